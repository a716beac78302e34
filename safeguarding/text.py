"""Free text and dates as the plan accepts them: the one place that says which characters, how
long and which dates are allowed, used by the models' validation (and so every form and
service that calls full_clean), by the importers, and by the export.

Control characters. A vertical tab or a NUL in a progress note cannot be written to an .xlsx
(openpyxl refuses it: the whole export fails), is invisible on the page, and, because progress
updates are append-only, could never be taken out again. So C0 controls (except tab, line feed
and carriage return), DEL and the C1 controls are refused where text is written, and stripped
where text leaves (the export), so rows stored before this rule cannot break an export either.

Lengths. The longest progress note in the seed reports is about 1,600 characters; a note or
exception entry of 5,000 characters (about two pages of the printed report) leaves room for a
long month while keeping a milestone-report row printable and a 60,000-character paste out.
"""

import datetime
import re

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.deconstruct import deconstructible

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

# Maximum lengths of free text (characters). See the module docstring for why.
NOTE_MAX_LENGTH = 5_000  # progress notes, status reasons, exception-record entries, commentary
DESCRIPTION_MAX_LENGTH = 2_000  # a milestone description or an action title: a table cell, not a document
LONG_TEXT_MAX_LENGTH = 10_000  # an action's expected outcome and sources, an indicator definition, a glossary entry

# Dates a plan can hold: nothing before 2000 (no plan of this kind is older), nothing more than
# ten years ahead (a typo such as 2109 for 2019).
EARLIEST_DATE = datetime.date(2000, 1, 1)
YEARS_AHEAD = 10


def control_character_error(value):
    """The message for text holding a control character, or None."""
    if not isinstance(value, str):
        return None
    match = CONTROL_CHARACTERS.search(value)
    if match is None:
        return None
    return (
        f"This text holds an invisible control character (U+{ord(match.group()):04X}) at position "
        f"{match.start() + 1}; it is often pasted in from another program. Retype or remove it and save again."
    )


def refuse_control_characters(value):
    """A field validator."""
    problem = control_character_error(value)
    if problem:
        raise ValidationError(problem, code="control_character")


def strip_control_characters(value):
    """For text leaving the app (the export): the same characters, removed."""
    return CONTROL_CHARACTERS.sub("", value) if isinstance(value, str) else value


def length_error(value, limit):
    if isinstance(value, str) and len(value) > limit:
        return f"This text is {len(value):,} characters long; the limit is {limit:,}."
    return None


@deconstructible
class TextLimit(MaxLengthValidator):
    """MaxLengthValidator whose message says how long the text is and what the limit is."""

    def __call__(self, value):
        problem = length_error(value, self.limit_value)
        if problem:
            raise ValidationError(problem, code=self.code)


def text_validators(limit):
    """Validators for a free-text model field: no control characters, at most `limit` characters."""
    return [refuse_control_characters, TextLimit(limit)]


def latest_date():
    from safeguarding import dates

    today = dates.today()
    try:
        return today.replace(year=today.year + YEARS_AHEAD)
    except ValueError:  # 29 February
        return today.replace(year=today.year + YEARS_AHEAD, day=28)


def date_range_error(value):
    """The message for a date outside the range a plan can hold, or None."""
    if not isinstance(value, datetime.date):
        return None
    if isinstance(value, datetime.datetime):
        value = value.date()
    if value < EARLIEST_DATE:
        return f"{value:%d %b %Y} is too early: a date must be on or after {EARLIEST_DATE:%d %b %Y}."
    latest = latest_date()
    if value > latest:
        return f"{value:%d %b %Y} is too far ahead: a date must be on or before {latest:%d %b %Y}."
    return None


def refuse_implausible_date(value):
    """A field validator: dates before 2000 or more than ten years ahead are typing mistakes."""
    problem = date_range_error(value)
    if problem:
        raise ValidationError(problem, code="date_range")


def year_range_error(year):
    """The same range for a reporting year stored as its starting year (2009 for 2009/10)."""
    if year is None:
        return None
    latest = latest_date().year
    if not EARLIEST_DATE.year <= year <= latest:
        return f"{year} is outside the years a plan can hold ({EARLIEST_DATE.year} to {latest})."
    return None


def refuse_implausible_year(value):
    problem = year_range_error(value)
    if problem:
        raise ValidationError(problem, code="year_range")


def text_errors(instance, limits):
    """For models whose fields cannot carry validators (no migration): {field: message} for
    every text field of `limits` ({field name: max length}) holding a control character or too long."""
    errors = {}
    for name, limit in limits.items():
        value = getattr(instance, name)
        if instance._meta.get_field(name).get_internal_type() == "CharField":
            limit = None  # its own max_length validator already says so; one message is enough
        problem = control_character_error(value) or (limit and length_error(value, limit))
        if problem:
            errors[name] = problem
    return errors
