"""An indicator's position as at a month, computed by the rules module."""

from dataclasses import dataclass
from decimal import Decimal

from safeguarding import dates

from . import rules


@dataclass
class IndicatorSummary:
    indicator: object
    as_at: object
    latest: object  # IndicatorValue or None
    previous: object  # IndicatorValue or None
    trend: rules.Trend | None
    ytd: rules.YearToDate
    year: int
    target: Decimal | None
    status: rules.PIStatus
    last_year_outturn: Decimal | None
    commentary: object  # Commentary or None

    @property
    def year_label(self):
        return dates.financial_year_label(self.year)

    @property
    def last_year_label(self):
        return dates.financial_year_label(self.year - 1)

    def fmt(self, value):
        return self.indicator.format_value(value)


def _prefetched(indicator, attr, loader):
    return getattr(indicator, attr) if hasattr(indicator, attr) else loader()


def summarise(indicator, as_at) -> IndicatorSummary:
    values = _prefetched(
        indicator, "report_values", lambda: list(indicator.values.filter(period__lte=as_at).order_by("period"))
    )
    years = {y.year: y for y in _prefetched(indicator, "report_years", lambda: list(indicator.years.all()))}
    commentaries = _prefetched(
        indicator, "report_commentaries", lambda: list(indicator.commentaries.filter(period__lte=as_at))
    )
    values = [v for v in values if v.period <= as_at]
    latest = values[-1] if values else None
    previous = values[-2] if len(values) > 1 else None
    year = dates.financial_year(latest.period if latest else as_at)
    this_year = [v for v in values if dates.financial_year(v.period) == year]
    ytd = rules.year_to_date(
        [rules.PeriodFigures(v.value, v.numerator, v.denominator) for v in this_year if not v.no_data],
        indicator.ytd_method,
        percentage=indicator.is_percentage,
        entered=latest.ytd_entered if latest else None,
    )
    year_row = years.get(year)
    target = year_row.target if year_row else None
    status = rules.status(
        ytd.value,
        target,
        polarity=indicator.polarity,
        tolerance=year_row.tolerance if year_row else None,
        tolerance_kind=year_row.tolerance_kind if year_row else rules.ToleranceKind.ABSOLUTE,
        data_only=indicator.data_only,
    )
    trend = rules.trend(
        latest.value if latest else None,
        previous.value if previous else None,
        polarity=indicator.polarity,
        decimal_places=indicator.decimal_places,
    )
    last_year = years.get(year - 1)
    commentary = next((c for c in commentaries if c.period <= as_at), None)
    return IndicatorSummary(
        indicator=indicator,
        as_at=as_at,
        latest=latest,
        previous=previous,
        trend=trend,
        ytd=ytd,
        year=year,
        target=target,
        status=status,
        last_year_outturn=last_year.outturn if last_year else None,
        commentary=commentary,
    )
