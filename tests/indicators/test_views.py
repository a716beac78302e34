"""Indicator pages: the edit permission matrix, validation through the forms, query bounds."""

import datetime

import pytest
from django.urls import reverse

from indicators.models import Benchmark, Commentary, ComparatorGroup, Indicator, IndicatorValue, IndicatorYear, Section

from ..factories import IndicatorFactory, IndicatorValueFactory, IndicatorYearFactory

pytestmark = pytest.mark.django_db

ROLES = ["programme_manager", "milestone_lead", "performance_officer", "scrutiny_member"]
EDITORS = {"programme_manager", "performance_officer"}


@pytest.fixture
def world(plan_today):
    indicator = IndicatorFactory(code="NI 65")
    value = IndicatorValueFactory(indicator=indicator, period=datetime.date(2009, 8, 1), value=3.8)
    year = IndicatorYearFactory(indicator=indicator, year=2009, target=10)
    england = ComparatorGroup.objects.create(name="England")
    benchmark = Benchmark.objects.create(indicator=indicator, year=2008, comparator=england, value=13)
    commentary = Commentary.objects.create(
        indicator=indicator, period=datetime.date(2009, 8, 1), commentary="Low numbers"
    )
    return locals()


def write_views(w):
    ind, plan = w["indicator"], w["indicator"].plan
    common = {
        "title": "Repeat plans",
        "section": ind.section.pk,
        "unit": "percentage",
        "polarity": "lower",
        "frequency": "monthly",
        "ytd_method": "ratio",
        "decimal_places": 1,
        "order": 1,
    }
    return {
        "section_create": (
            reverse("indicators:section_create", args=[plan.pk]),
            {"name": "CAMHS", "order": 4},
            Section,
        ),
        "indicator_create": (reverse("indicators:create", args=[plan.pk]), {**common, "code": "NI 64"}, Indicator),
        "indicator_edit": (reverse("indicators:edit", args=[ind.pk]), {**common, "code": "NI 65"}, None),
        "value_create": (
            reverse("indicators:value_create", args=[ind.pk]),
            {"period": "2009-09", "numerator": 2, "denominator": 16},
            IndicatorValue,
        ),
        "value_edit": (
            reverse("indicators:value_edit", args=[w["value"].pk]),
            {"period": "2009-08", "value": 4.1},
            None,
        ),
        "year_create": (
            reverse("indicators:year_create", args=[ind.pk]),
            {"year": 2010, "target": 9, "tolerance_kind": "absolute"},
            IndicatorYear,
        ),
        "year_edit": (
            reverse("indicators:year_edit", args=[w["year"].pk]),
            {"year": 2009, "target": 11, "tolerance": 1, "tolerance_kind": "absolute"},
            None,
        ),
        "benchmark_create": (
            reverse("indicators:benchmark_create", args=[ind.pk]),
            {"year": 2009, "comparator": w["england"].pk, "value": 12},
            Benchmark,
        ),
        "benchmark_edit": (
            reverse("indicators:benchmark_edit", args=[w["benchmark"].pk]),
            {"year": 2008, "comparator": w["england"].pk, "value": 13.5},
            None,
        ),
        "comparator_create": (
            reverse("indicators:comparator_create"),
            {"name": "Inner London", "order": 4},
            ComparatorGroup,
        ),
        "commentary_create": (
            reverse("indicators:commentary_create", args=[ind.pk]),
            {"period": "2009-09", "commentary": "Numbers are small."},
            Commentary,
        ),
        "commentary_edit": (
            reverse("indicators:commentary_edit", args=[w["commentary"].pk]),
            {"period": "2009-08", "commentary": "Changed", "best_practice": "Audit"},
            None,
        ),
    }


def snapshot():
    return [
        list(m.objects.order_by("pk").values())
        for m in (Section, Indicator, IndicatorValue, IndicatorYear, Benchmark, Commentary)
    ]


VIEWS = sorted(
    [
        "section_create",
        "indicator_create",
        "indicator_edit",
        "value_create",
        "value_edit",
        "year_create",
        "year_edit",
        "benchmark_create",
        "benchmark_edit",
        "commentary_create",
        "commentary_edit",
        "comparator_create",
    ]
)


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("role", ROLES)
def test_indicator_write_matrix(client, users, world, role, view):
    url, data, model = write_views(world)[view]
    client.force_login(users[role])
    allowed = role in EDITORS
    assert client.get(url).status_code == (200 if allowed else 403)
    before = snapshot()
    count = model.objects.count() if model else None
    response = client.post(url, data)
    if allowed:
        assert response.status_code == 302, response.content.decode()[:3000]
        if model:
            assert model.objects.count() == count + 1
        else:
            assert snapshot() != before
    else:
        assert response.status_code == 403
        assert snapshot() == before


@pytest.mark.parametrize("role", ROLES)
def test_everyone_reads_indicator_pages(client, users, world, role):
    client.force_login(users[role])
    ind = world["indicator"]
    for url in [reverse("indicators:list", args=[ind.plan.pk]), reverse("indicators:detail", args=[ind.pk])]:
        response = client.get(url)
        assert response.status_code == 200
        html = response.content.decode()
        assert ("Enter a figure" in html or "Add indicator" in html) == (role in EDITORS)


def test_value_form_messages_keep_what_was_typed(client, users, world):
    client.force_login(users["performance_officer"])
    url = reverse("indicators:value_create", args=[world["indicator"].pk])
    html = client.post(url, {"period": "2009-09", "numerator": "12", "denominator": "5"}).content.decode()
    assert "The numerator (12) is larger than the denominator (5)." in html
    assert 'value="12"' in html and 'value="5"' in html
    html = client.post(url, {"period": "2009-09", "value": "140"}).content.decode()
    assert "A percentage must be between 0 and 100 (you entered 140)." in html
    html = client.post(url, {"period": "2010-02", "value": "40"}).content.decode()
    assert "Feb 2010 has not started yet" in html
    html = client.post(url, {"period": "2009-08", "value": "40"}).content.decode()
    assert "Aug 2009 already has a figure (3.8%). Edit that figure instead of adding another." in html
    assert IndicatorValue.objects.count() == 1


def test_duplicate_indicator_code_is_refused(client, users, world):
    client.force_login(users["programme_manager"])
    data = {
        "code": "ni 65",
        "title": "x",
        "section": world["indicator"].section.pk,
        "unit": "percentage",
        "polarity": "lower",
        "frequency": "monthly",
        "ytd_method": "ratio",
        "decimal_places": 1,
        "order": 0,
    }
    html = client.post(reverse("indicators:create", args=[world["indicator"].plan.pk]), data).content.decode()
    assert "ni 65 is already an indicator of this plan." in html


def test_indicator_page_shows_chart_and_commentary(client, users, world):
    client.force_login(users["scrutiny_member"])
    html = client.get(reverse("indicators:detail", args=[world["indicator"].pk])).content.decode()
    assert "<svg" in html and "England 2008/09 13%" in html
    assert "Low numbers" in html


def test_indicator_list_queries_are_bounded_for_200_indicators_by_36_months(
    client, users, django_assert_max_num_queries, plan_today
):
    plan_indicator = IndicatorFactory()
    plan, section = plan_indicator.plan, plan_indicator.section
    indicators = Indicator.objects.bulk_create(
        Indicator(plan=plan, section=section, code=f"L{n:04d}", code_sort_key=f"l{n:06d}", title=f"Local {n}")
        for n in range(199)
    ) + [plan_indicator]
    months = [datetime.date(2006 + (m + 10) // 12, (m + 10) % 12 + 1, 1) for m in range(36)]  # Nov 2006 - Oct 2009
    IndicatorValue.objects.bulk_create(
        IndicatorValue(indicator=i, period=month, value=n % 100) for i in indicators for n, month in enumerate(months)
    )
    IndicatorYear.objects.bulk_create(IndicatorYear(indicator=i, year=2009, target=50) for i in indicators)
    client.force_login(users["scrutiny_member"])
    with django_assert_max_num_queries(15):  # includes the session save on every request
        response = client.get(reverse("indicators:list", args=[plan.pk]))
    assert response.status_code == 200
    assert sum(len(g.summaries) for g in response.context["sections"]) == 200


def test_comparator_group_next_link_cannot_leave_the_site(client, users):
    client.force_login(users["performance_officer"])
    response = client.post(
        reverse("indicators:comparator_create") + "?next=https://evil.example/", {"name": "X", "order": 1}
    )
    assert response.url == reverse("plans:list")
