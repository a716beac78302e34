"""Import indicator figures (code, period, value, numerator, denominator, target, comment) from
.xlsx or .csv, with the same rules as the plan import: every row checked by the model's own
validation, every problem listed with its row and column, all or nothing, dry run rolled back."""

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction

from plans.importing import ImportRefused, Problem, normalise
from safeguarding import dates
from safeguarding.text import (
    LONG_TEXT_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    control_character_error,
    length_error,
    year_range_error,
)

from .models import Commentary, Frequency, Indicator, IndicatorValue, IndicatorYear, Polarity, Section, Unit, YtdMethod

VALUE_COLUMNS = {
    "code": ["code", "indicator", "ni code", "pi code"],
    "period": ["period", "month"],
    "value": ["value"],
    "numerator": ["numerator"],
    "denominator": ["denominator"],
    "target": ["target"],
    "comment": ["comment", "commentary"],
}
DEFINITION_COLUMNS = [
    "code",
    "title",
    "definition",
    "section",
    "unit",
    "polarity",
    "frequency",
    "data only",
    "ytd rule",
    "decimal places",
]
FIELD_LABELS = {
    "value": "Value",
    "numerator": "Numerator",
    "denominator": "Denominator",
    "period": "Period",
    "no_data": "Value",
    "ytd_entered": "Value",
}


def _number(text, label, row, problems):
    if text in (None, ""):
        return None
    try:
        return Decimal(str(text).replace("%", "").replace(",", "").strip())
    except InvalidOperation:
        problems.append(Problem(row, label, f"'{text}' is not a number."))
        return None


def _columns(header, names):
    keys = [normalise(c) for c in header]
    return {name: keys.index(word) for name, words in names.items() for word in words if word in keys}


DEFINITION_CHOICES = {"unit": Unit, "polarity": Polarity, "frequency": Frequency, "ytd rule": YtdMethod}
DEFINITION_LIMITS = {
    "code": Indicator._meta.get_field("code").max_length,
    "title": Indicator._meta.get_field("title").max_length,
    "definition": LONG_TEXT_MAX_LENGTH,
    "section": Section._meta.get_field("name").max_length,
}
MAX_DECIMAL_PLACES = 6


def _choice(choices, text):
    """A choice's stored value from its value or its label, in any case; None if it is neither."""
    key = normalise(text)
    for value, label in choices.choices:
        if key in (value.lower(), label.lower()):
            return value
    return None


def definitions_import(plan, rows, problems):
    """The 'Indicators' sheet of an export: create or update the indicators it defines.

    Every row is checked first (choices, lengths, characters), each problem named by sheet, row and
    column; nothing is written unless every row is right. An unknown polarity, say, stored would
    make every page that summarises the indicator fail."""
    if not rows:
        return 0
    keys = [normalise(c) for c in rows[0]]
    if not all(column in keys for column in DEFINITION_COLUMNS):
        return 0
    position = {column: keys.index(column) for column in DEFINITION_COLUMNS}
    parsed = []
    found = len(problems)
    for number, raw in enumerate(rows[1:], start=2):
        value = {
            column: raw[position[column]] if position[column] < len(raw) else None for column in DEFINITION_COLUMNS
        }
        if not value["code"]:
            continue

        def refuse(column, message, number=number):
            problems.append(Problem(number, f"Indicators sheet, {column.title()}", message))

        for column, limit in DEFINITION_LIMITS.items():
            text = "" if value[column] is None else str(value[column])
            problem = control_character_error(text) or length_error(text, limit)
            if problem:
                refuse(column, problem)
            value[column] = text.strip()
        if not value["section"]:
            refuse("section", "every indicator needs a section.")
        for column, choices in DEFINITION_CHOICES.items():
            chosen = _choice(choices, value[column])
            if chosen is None:
                refuse(
                    column,
                    f"'{str(value[column] or '')[:40]}' is not a {column}: use one of {', '.join(choices.values)}.",
                )
            value[column] = chosen
        places = value["decimal places"]
        try:
            places = 1 if places in (None, "") else int(str(places).strip())
        except ValueError:
            places = None
        if places is None or not 0 <= places <= MAX_DECIMAL_PLACES:
            refuse(
                "decimal places",
                f"'{value['decimal places']}' is not a number of decimal places from 0 to {MAX_DECIMAL_PLACES}.",
            )
        value["decimal places"] = places
        parsed.append((number, value))
    if len(problems) > found:
        return 0
    sections = {s.name: s for s in Section.objects.filter(plan=plan)}
    count = 0
    for number, value in parsed:
        section = sections.get(value["section"]) or Section.objects.create(
            plan=plan, name=value["section"], order=len(sections) + 1
        )
        sections[section.name] = section
        Indicator.objects.update_or_create(
            plan=plan,
            code=value["code"],
            defaults={
                "title": value["title"],
                "definition": value["definition"],
                "section": section,
                "unit": value["unit"],
                "polarity": value["polarity"],
                "frequency": value["frequency"],
                "data_only": str(value["data only"]).lower() in ("yes", "true", "1"),
                "ytd_method": value["ytd rule"],
                "decimal_places": value["decimal places"],
                "order": number,
            },
        )
        count += 1
    return count


def indicator_values_import(*, plan, rows, dry_run=False, first_row=2):
    """rows: [header, *data]. Returns (values created, updated)."""
    problems = []
    if not rows:
        raise ImportRefused([Problem(0, "File", "there are no rows.")])
    position = _columns(rows[0], VALUE_COLUMNS)
    for needed in ("code", "period"):
        if needed not in position:
            problems.append(Problem(0, "Header", f"there is no '{needed.title()}' column."))
    if problems:
        raise ImportRefused(problems)
    indicators = {i.code.lower(): i for i in Indicator.objects.filter(plan=plan)}
    parsed = []
    for number, raw in enumerate(rows[1:], start=first_row):
        values = {name: raw[index] if index < len(raw) else None for name, index in position.items()}
        get = values.get
        if not any(v not in (None, "") for v in raw):
            continue
        indicator = indicators.get(str(get("code") or "").strip().lower())
        if indicator is None:
            problems.append(Problem(number, "Code", f"'{get('code')}' is not an indicator of this plan."))
            continue
        period_text = get("period")
        period = (
            period_text.replace(day=1)
            if isinstance(period_text, (datetime.date, datetime.datetime))
            else dates.parse_month(str(period_text or ""))
        )
        if isinstance(period, datetime.datetime):
            period = period.date()
        if period is None:
            problems.append(
                Problem(number, "Period", f"'{period_text}' is not a month: write it like 2009-10 or Oct 2009.")
            )
            continue
        figures = {
            name: _number(get(name), name.title(), number, problems)
            for name in ("value", "numerator", "denominator", "target")
        }
        value = IndicatorValue(
            indicator=indicator,
            period=period,
            value=figures["value"],
            numerator=figures["numerator"],
            denominator=figures["denominator"],
        )
        value.no_data = all(figures[n] is None for n in ("value", "numerator", "denominator"))
        try:
            value.full_clean(exclude=["indicator"], validate_unique=False)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                problems += [Problem(number, FIELD_LABELS.get(name, name.title()), m) for m in messages]
        comment = str(get("comment") or "").strip()
        problem = control_character_error(comment) or length_error(comment, NOTE_MAX_LENGTH)
        if problem:
            problems.append(Problem(number, "Comment", problem))
        if figures["target"] is not None and (problem := year_range_error(dates.financial_year(period))):
            problems.append(Problem(number, "Period", problem))
        parsed.append((number, indicator, period, value, figures["target"], comment))
    if problems:
        raise ImportRefused(problems)
    created = updated = 0
    with transaction.atomic():
        for _, indicator, period, value, target, comment in parsed:
            _, was_created = IndicatorValue.objects.update_or_create(
                indicator=indicator,
                period=period,
                defaults={
                    "value": value.value,
                    "numerator": value.numerator,
                    "denominator": value.denominator,
                    "no_data": value.no_data,
                },
            )
            created += was_created
            updated += not was_created
            if target is not None:
                IndicatorYear.objects.update_or_create(
                    indicator=indicator, year=dates.financial_year(period), defaults={"target": target}
                )
            if comment:
                Commentary.objects.update_or_create(
                    indicator=indicator, period=period, defaults={"commentary": comment}
                )
        if dry_run:
            transaction.set_rollback(True)
    return created, updated
