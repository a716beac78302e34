"""The performance-indicator rules: status, trend and year-to-date.

One module, pure functions, no database: every page and report computes status,
trend and year-to-date through here, so they come out the same every time.

Status (against the year's target):
  * Data only  - the indicator is flagged data only, or has no target for the year.
  * Unknown    - there is a target but no value.
  * OK         - the value meets the target or is better (polarity respected).
  * Warning    - worse than target, but by no more than the tolerance.
  * Alert      - worse than target by more than the tolerance.
  The tolerance is absolute (in the indicator's unit) or a percentage of the target.
  With no tolerance set, any shortfall is an Alert.

Trend (short term): the latest period against the one before it.
  * Improving / Getting worse according to polarity; No change when equal at the
    indicator's displayed precision; none when either period has no value.

Year-to-date (by the indicator's ytd_method, over the periods of the financial year so far):
  * ratio  - sum of numerators / sum of denominators (x100 for percentages);
  * sum    - total of the period values;
  * average- mean of the period values;
  * latest - the latest period's value (snapshot measures such as vacancies);
  * entered- not computable: the value the performance officer entered.
  When a computable rule lacks the data it needs (a period without numerator and
  denominator), the entered year-to-date value is used if there is one.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import Enum


class Polarity(str, Enum):
    HIGHER = "higher"
    LOWER = "lower"


class PIStatus(str, Enum):
    OK = "ok"
    WARNING = "warning"
    ALERT = "alert"
    UNKNOWN = "unknown"
    DATA_ONLY = "data_only"

    @property
    def label(self):
        return {"ok": "OK", "warning": "Warning", "alert": "Alert", "unknown": "Unknown", "data_only": "Data only"}[
            self.value
        ]

    @property
    def icon(self):
        return {"ok": "✔", "warning": "◆", "alert": "✖", "unknown": "?", "data_only": "ℹ"}[self.value]

    @property
    def meaning(self):
        return {
            "ok": "Meets or is better than target",
            "warning": "Worse than target, within tolerance",
            "alert": "Worse than target, beyond tolerance",
            "unknown": "No value for the period",
            "data_only": "No target: reported for information",
        }[self.value]


class Trend(str, Enum):
    IMPROVING = "improving"
    NO_CHANGE = "no_change"
    WORSE = "worse"

    @property
    def label(self):
        return {"improving": "Improving", "no_change": "No change", "worse": "Getting worse"}[self.value]

    @property
    def icon(self):
        return {"improving": "⬆", "no_change": "➡", "worse": "⬇"}[self.value]

    @property
    def meaning(self):
        return {
            "improving": "Better than the period before",
            "no_change": "The same as the period before",
            "worse": "Worse than the period before",
        }[self.value]


class ToleranceKind(str, Enum):
    ABSOLUTE = "absolute"
    PERCENT = "percent"


def _d(value):
    return None if value is None else Decimal(str(value))


def shortfall(value, target, polarity) -> Decimal:
    """How far the value is worse than target (negative or zero when meeting it)."""
    value, target = _d(value), _d(target)
    return target - value if Polarity(polarity) == Polarity.HIGHER else value - target


def tolerance_amount(target, tolerance, kind) -> Decimal:
    if tolerance is None:
        return Decimal(0)
    tolerance = _d(tolerance)
    if ToleranceKind(kind) == ToleranceKind.PERCENT:
        return abs(_d(target)) * tolerance / 100
    return tolerance


def status(value, target, *, polarity, tolerance=None, tolerance_kind=ToleranceKind.ABSOLUTE, data_only=False):
    if data_only or target is None:
        return PIStatus.DATA_ONLY
    if value is None:
        return PIStatus.UNKNOWN
    gap = shortfall(value, target, polarity)
    if gap <= 0:
        return PIStatus.OK
    if gap <= tolerance_amount(target, tolerance, tolerance_kind):
        return PIStatus.WARNING
    return PIStatus.ALERT


def trend(latest, previous, *, polarity, decimal_places=None):
    if latest is None or previous is None:
        return None
    latest, previous = _d(latest), _d(previous)
    if decimal_places is not None:
        quantum = Decimal(1).scaleb(-decimal_places)
        latest = latest.quantize(quantum, ROUND_HALF_UP)
        previous = previous.quantize(quantum, ROUND_HALF_UP)
    if latest == previous:
        return Trend.NO_CHANGE
    better = latest > previous if Polarity(polarity) == Polarity.HIGHER else latest < previous
    return Trend.IMPROVING if better else Trend.WORSE


class YtdMethod(str, Enum):
    RATIO = "ratio"
    SUM = "sum"
    AVERAGE = "average"
    LATEST = "latest"
    ENTERED = "entered"


@dataclass(frozen=True)
class PeriodFigures:
    """What year_to_date needs of one period (a value, or counts)."""

    value: Decimal | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None


@dataclass(frozen=True)
class YearToDate:
    value: Decimal | None
    computed: bool  # False when the entered figure was used (or none exists)


def year_to_date(periods, method, *, percentage=False, entered=None) -> YearToDate:
    """Year-to-date from the year's periods so far, oldest first ("no data" periods left out)."""
    method = YtdMethod(method)
    periods = [p for p in periods if p.value is not None or p.denominator is not None]
    computed = None
    if periods and method == YtdMethod.RATIO:
        if all(p.numerator is not None and p.denominator for p in periods):
            computed = sum(_d(p.numerator) for p in periods) / sum(_d(p.denominator) for p in periods)
            if percentage:
                computed *= 100
    elif periods and method == YtdMethod.SUM and all(p.value is not None for p in periods):
        computed = sum(_d(p.value) for p in periods)
    elif periods and method == YtdMethod.AVERAGE and all(p.value is not None for p in periods):
        computed = sum(_d(p.value) for p in periods) / len(periods)
    elif periods and method == YtdMethod.LATEST:
        computed = _d(periods[-1].value)
    if computed is not None:
        return YearToDate(computed, True)
    return YearToDate(_d(entered), False)
