import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from indicators.models import Indicator, IndicatorValue
from indicators.rules import PIStatus, Trend

from ..factories import IndicatorFactory, IndicatorValueFactory, IndicatorYearFactory

pytestmark = pytest.mark.django_db

AUG, SEP, OCT = (datetime.date(2009, m, 1) for m in (8, 9, 10))


def test_value_is_computed_from_numerator_and_denominator():
    value = IndicatorValueFactory(value=None, numerator=11, denominator=113)
    assert value.value == Decimal("9.735")


def test_summary_uses_rules_with_the_years_target_and_last_years_outturn(plan_today):
    indicator = IndicatorFactory(polarity="lower", ytd_method="ratio")
    IndicatorYearFactory(indicator=indicator, year=2008, target=None, outturn=Decimal("5.6"))
    IndicatorYearFactory(indicator=indicator, year=2009, target=10, tolerance=5, tolerance_kind="percent")
    IndicatorValueFactory(indicator=indicator, period=AUG, value=None, numerator=3, denominator=40)
    IndicatorValueFactory(indicator=indicator, period=SEP, value=None, numerator=8, denominator=64)
    # A figure from the year before does not count towards this year's YTD.
    IndicatorValueFactory(
        indicator=indicator, period=datetime.date(2009, 3, 1), value=None, numerator=9, denominator=10
    )

    summary = Indicator.objects.with_report_data().get(pk=indicator.pk).summarise()

    assert summary.latest.period == SEP and summary.previous.period == AUG
    assert summary.trend == Trend.WORSE  # 7.5% -> 12.5%, lower is better
    assert summary.ytd.value.quantize(Decimal("0.1")) == Decimal("10.6")  # 11 of 104
    assert summary.status == PIStatus.ALERT  # 0.6 over, tolerance 0.5
    assert summary.last_year_outturn == Decimal("5.6")
    assert summary.year_label == "2009/10"


def test_summary_as_at_an_earlier_month_ignores_later_figures(plan_today):
    indicator = IndicatorFactory(ytd_method="latest")
    IndicatorYearFactory(indicator=indicator, target=60)
    IndicatorValueFactory(indicator=indicator, period=AUG, value=70)
    IndicatorValueFactory(indicator=indicator, period=SEP, value=40)
    assert indicator.summarise(AUG).status == PIStatus.OK
    assert indicator.summarise(SEP).status == PIStatus.ALERT


def test_no_data_period_is_not_zero_and_breaks_the_trend(plan_today):
    indicator = IndicatorFactory(ytd_method="average")
    IndicatorValueFactory(indicator=indicator, period=AUG, value=40)
    IndicatorValueFactory(indicator=indicator, period=SEP, value=None, no_data=True)
    summary = indicator.summarise()
    assert summary.latest.no_data and summary.trend is None
    assert summary.ytd.value == Decimal(40)  # the no-data month is left out, not counted as 0


def test_data_only_indicator_has_no_status_against_target(plan_today):
    indicator = IndicatorFactory(data_only=True)
    IndicatorValueFactory(indicator=indicator, value=10)
    assert indicator.summarise().status == PIStatus.DATA_ONLY


def clean_errors(**fields):
    indicator = fields.pop("indicator", None) or IndicatorFactory()
    value = IndicatorValue(indicator=indicator, **fields)
    with pytest.raises(ValidationError) as error:
        value.full_clean()
    return error.value.message_dict


def test_percentage_outside_0_to_100_is_refused(plan_today):
    assert clean_errors(period=SEP, value=Decimal("112"))["value"] == [
        "A percentage must be between 0 and 100 (you entered 112)."
    ]


def test_numerator_above_denominator_is_refused(plan_today):
    errors = clean_errors(period=SEP, numerator=Decimal(12), denominator=Decimal(5))
    assert errors["numerator"] == ["The numerator (12) is larger than the denominator (5)."]


def test_future_period_is_refused(plan_today):
    errors = clean_errors(period=datetime.date(2009, 12, 1), value=Decimal(5))
    assert errors["period"] == [
        "Dec 2009 has not started yet: figures can only be entered for the current or past periods."
    ]


def test_period_outside_a_quarterly_frequency_is_refused(plan_today):
    errors = clean_errors(indicator=IndicatorFactory(frequency="quarterly"), period=AUG, value=Decimal(5))
    assert "This indicator is quarterly" in errors["period"][0]
    IndicatorValue(
        indicator=IndicatorFactory(frequency="quarterly"), period=datetime.date(2009, 7, 1), value=5
    ).full_clean()


def test_period_outside_an_annual_frequency_is_refused(plan_today):
    errors = clean_errors(indicator=IndicatorFactory(frequency="annual"), period=SEP, value=Decimal(5))
    assert "This indicator is annual" in errors["period"][0]


def test_no_data_and_figures_together_are_refused(plan_today):
    assert "not both" in clean_errors(period=SEP, value=Decimal(5), no_data=True)["no_data"][0]


def test_nothing_entered_is_refused(plan_today):
    assert "tick 'no data for this period'" in clean_errors(period=SEP)["value"][0]


def test_period_labels_follow_frequency():
    assert IndicatorFactory.build(frequency="monthly").period_label(SEP) == "Sep 2009"
    assert IndicatorFactory.build(frequency="quarterly").period_label(datetime.date(2009, 7, 1)) == "Q2 2009/10"
    assert IndicatorFactory.build(frequency="quarterly").period_label(datetime.date(2010, 1, 1)) == "Q4 2009/10"
    assert IndicatorFactory.build(frequency="annual").period_label(datetime.date(2009, 4, 1)) == "2009/10"
