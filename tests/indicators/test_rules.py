"""The status, trend and year-to-date rules as tables of cases."""

from decimal import Decimal

import pytest

from indicators import rules
from indicators.rules import PeriodFigures, PIStatus, Trend

D = Decimal


@pytest.mark.parametrize(
    "value, target, polarity, tolerance, kind, data_only, expected",
    [
        # higher is better
        (60, 60, "higher", None, "absolute", False, PIStatus.OK),  # meets target exactly
        (61, 60, "higher", None, "absolute", False, PIStatus.OK),
        (59.9, 60, "higher", None, "absolute", False, PIStatus.ALERT),  # no tolerance: any shortfall
        (55, 60, "higher", 5, "absolute", False, PIStatus.WARNING),  # exactly at the tolerance edge
        (54.9, 60, "higher", 5, "absolute", False, PIStatus.ALERT),  # just beyond
        (57, 60, "higher", 5, "percent", False, PIStatus.WARNING),  # 5% of 60 = 3
        (56.9, 60, "higher", 5, "percent", False, PIStatus.ALERT),
        # lower is better
        (10, 10, "lower", None, "absolute", False, PIStatus.OK),
        (9.7, 10, "lower", None, "absolute", False, PIStatus.OK),
        (10.5, 10, "lower", 0.5, "absolute", False, PIStatus.WARNING),
        (10.51, 10, "lower", 0.5, "absolute", False, PIStatus.ALERT),
        (11.9, 5, "lower", 5, "percent", False, PIStatus.ALERT),
        (5.25, 5, "lower", 5, "percent", False, PIStatus.WARNING),
        # no value, no target, data only
        (None, 60, "higher", 5, "absolute", False, PIStatus.UNKNOWN),
        (50, None, "higher", None, "absolute", False, PIStatus.DATA_ONLY),
        (50, 60, "higher", None, "absolute", True, PIStatus.DATA_ONLY),
        (None, None, "lower", None, "absolute", True, PIStatus.DATA_ONLY),
        # zero is a value, not "no data"
        (0, 5, "lower", None, "absolute", False, PIStatus.OK),
        (0, 5, "higher", None, "absolute", False, PIStatus.ALERT),
    ],
)
def test_status(value, target, polarity, tolerance, kind, data_only, expected):
    got = rules.status(value, target, polarity=polarity, tolerance=tolerance, tolerance_kind=kind, data_only=data_only)
    assert got == expected


@pytest.mark.parametrize(
    "latest, previous, polarity, places, expected",
    [
        (57.1, 50, "higher", 1, Trend.IMPROVING),
        (97.8, 98.2, "higher", 1, Trend.WORSE),
        (12.82, 12.3, "lower", 2, Trend.WORSE),
        (3.8, 12.5, "lower", 1, Trend.IMPROVING),
        (40, 40, "lower", 1, Trend.NO_CHANGE),
        (40.04, 40.01, "higher", 1, Trend.NO_CHANGE),  # equal at displayed precision
        (40.06, 40.01, "higher", 1, Trend.IMPROVING),
        (None, 40, "higher", 1, None),
        (40, None, "higher", 1, None),
        (0, 1, "lower", 0, Trend.IMPROVING),
    ],
)
def test_trend(latest, previous, polarity, places, expected):
    assert rules.trend(latest, previous, polarity=polarity, decimal_places=places) == expected


def test_ytd_from_numerators_and_denominators_is_not_an_average_of_percentages():
    periods = [PeriodFigures(D("40"), D("2"), D("5")), PeriodFigures(D("10"), D("6"), D("60"))]
    ytd = rules.year_to_date(periods, "ratio", percentage=True)
    assert ytd.computed and ytd.value.quantize(D("0.1")) == D("12.3")  # 8 of 65, not (40+10)/2


def test_ytd_ratio_seed_nI_65():
    """113 children made subject to a plan, 11 for a second time: 9.7%."""
    ytd = rules.year_to_date([PeriodFigures(None, D(11), D(113))], "ratio", percentage=True)
    assert ytd.value.quantize(D("0.1")) == D("9.7")


def test_ytd_ratio_falls_back_to_the_entered_figure_when_counts_are_missing():
    periods = [PeriodFigures(D("3.8")), PeriodFigures(D("12.5"), D(2), D(16))]
    ytd = rules.year_to_date(periods, "ratio", percentage=True, entered=D("9.7"))
    assert (ytd.value, ytd.computed) == (D("9.7"), False)


@pytest.mark.parametrize(
    "method, expected",
    [("sum", D(30)), ("average", D(10)), ("latest", D(15)), ("entered", D(99))],
)
def test_ytd_other_methods(method, expected):
    periods = [PeriodFigures(D(5)), PeriodFigures(D(10)), PeriodFigures(D(15))]
    assert rules.year_to_date(periods, method, entered=D(99)).value == expected


def test_ytd_with_no_periods_and_nothing_entered_is_none():
    assert rules.year_to_date([], "ratio").value is None


def test_every_status_and_trend_has_icon_and_word():
    assert len({s.icon for s in PIStatus}) == len(PIStatus)
    assert len({t.icon for t in Trend}) == len(Trend)
    assert all(s.label and s.meaning for s in PIStatus)
