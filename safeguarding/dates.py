"""Dates the way the plan talks about them: "today" and reporting months.

Overdue milestones, the default reporting month and "month in the future"
checks all ask `today()`, so the demo can be pinned to the date of its plan
(settings.PLAN_TODAY) and tests can pin it too. A reporting month is stored as
the first day of that month.
"""

import calendar
import datetime
import functools
import re

import holidays
from django.conf import settings
from django.utils import timezone

MONTH_NAMES = [name.lower() for name in calendar.month_name[1:]]


def today() -> datetime.date:
    return settings.PLAN_TODAY or timezone.localdate()


def current_month() -> datetime.date:
    return today().replace(day=1)


def previous_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def month_end(month: datetime.date) -> datetime.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


@functools.cache
def _bank_holidays(region: str):
    return holidays.country_holidays("GB", subdiv=region) if region else {}


def is_working_day(day: datetime.date) -> bool:
    """Monday to Friday and not a bank holiday where the council is (settings.BANK_HOLIDAYS)."""
    return day.weekday() < 5 and day not in _bank_holidays(settings.BANK_HOLIDAYS)


def month_long_label(month: datetime.date | None) -> str:
    """'October 2009', as report titles write it."""
    return month.strftime("%B %Y") if month else ""


@functools.lru_cache(maxsize=4096)  # reports and the API label thousands of figures with a few dozen months
def month_label(month: datetime.date | None) -> str:
    """'Oct 2009', as the progress notes write it."""
    return month.strftime("%b %Y") if month else ""


@functools.lru_cache(maxsize=4096)
def month_code(month: datetime.date) -> str:
    """'2009-10': a month as the API and the CSVs write it."""
    return month.strftime("%Y-%m")


def parse_month(text: str) -> datetime.date | None:
    """Read '2009-10', 'Oct 2009', 'October 2009' or 'Oct-09' as the first of that month.

    Returns None when the text is not a month.
    """
    text = (text or "").strip()
    match = re.fullmatch(r"(\d{4})-(\d{1,2})(?:-\d{1,2})?", text)
    if match:
        year, month = int(match[1]), int(match[2])
    else:
        match = re.fullmatch(r"([A-Za-z]{3,9})[\s\-/]+(\d{2}|\d{4})", text)
        word = match[1].lower() if match else ""
        # "Oct", "October" and "Sept" are months; "Octember" is not.
        names = [name for name in MONTH_NAMES if word[:3] == name[:3] and name.startswith(word)]
        if not names:
            return None
        month = MONTH_NAMES.index(names[0]) + 1
        year = int(match[2])
        if year < 100:
            year += 2000
    if not 1 <= month <= 12 or not 1900 <= year <= 2999:
        return None
    return datetime.date(year, month, 1)


def financial_year(day: datetime.date) -> int:
    """The UK financial year (April to March) a date falls in, by its starting year: Sep 2009 -> 2009."""
    return day.year if day.month >= 4 else day.year - 1


def financial_year_label(year: int) -> str:
    """2009 -> '2009/10', as the reports label years."""
    return f"{year}/{(year + 1) % 100:02d}"


def financial_year_start(year: int) -> datetime.date:
    return datetime.date(year, 4, 1)


def moment(day: datetime.date, hour: int = 9, minute: int = 0) -> datetime.datetime:
    """A local time on a day, for records taken from a dated report (the demo, old exception reports)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def parse_date(text) -> datetime.date | None:
    return datetime.date.fromisoformat(text) if text else None
