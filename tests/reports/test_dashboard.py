import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse

from milestones.generated import generated_plan_create
from milestones.models import Milestone, ProgressUpdate
from milestones.status import Status
from reports import dashboard
from reports.snapshots import current_snapshot

pytestmark = pytest.mark.django_db

ROLES = ["programme_manager", "milestone_lead", "performance_officer", "scrutiny_member"]


@pytest.mark.parametrize("role", ROLES)
def test_everyone_reads_the_dashboard_and_timeline(client, users, demo, role):
    client.force_login(users[role])
    response = client.get(reverse("reports:dashboard", args=[demo.pk]))
    assert response.status_code == 200
    action = Milestone.objects.filter(action__ref="1.01").first().action
    assert client.get(reverse("reports:timeline", args=[action.pk])).status_code == 200


def test_scrutiny_members_land_on_the_dashboard(client, users, demo):
    client.force_login(users["scrutiny_member"])
    assert client.get("/").url == reverse("reports:dashboard", args=[demo.pk])


def test_dashboard_counts_overdue_due_soon_and_exceptions(demo):
    board = dashboard.dashboard(demo)  # live, on 4 November 2009
    assert board.total == 146
    assert all(m.is_overdue for m in board.overdue) and board.overdue_count == len(board.overdue) == 5
    soon = [(m.revised_due_date or m.due_date) for m in board.due_soon]
    assert soon and all(datetime.date(2009, 11, 4) <= day <= datetime.date(2010, 1, 3) for day in soon)
    # not on track, overdue (on track or not started), and 1.15 "Resource plan" (on track, open exception record)
    assert len(board.exceptions.rows) == 12 + 5 + 1
    assert sum(len(s.rows) for s in board.indicators.sections) == 13
    assert "<svg" in board.status_chart and "Good Practice" in board.status_chart


def test_dashboard_as_at_a_snapshot_reads_the_snapshot(demo):
    september = current_snapshot(demo, datetime.date(2009, 9, 1))
    Milestone.objects.filter(action__ref="1.01").update(description="Changed later")
    board = dashboard.dashboard(demo, snapshot=september)
    assert board.header.snapshot == september
    assert "Changed later" not in [m.description for m in board.overdue + board.due_soon]
    assert board.total == 146


def test_timeline_shows_the_status_reported_each_month(demo):
    action = Milestone.objects.filter(action__ref="1.01").first().action
    timeline = dashboard.action_timeline(action.pk, as_at=datetime.date(2009, 11, 1))
    assert [m.strftime("%b") for m in timeline.months[-3:]] == ["Sep", "Oct", "Nov"]
    first_row = timeline.rows[0][1]
    assert first_row[-3:] == ["achieved", None, None]  # Sep 2009 - Achieved; nothing reported after


def test_dashboard_queries_are_bounded_on_2000_milestones(client, users, django_assert_max_num_queries, plan_today):
    plan = generated_plan_create(milestones=2000)
    client.force_login(users["scrutiny_member"])
    with django_assert_max_num_queries(25):
        response = client.get(reverse("reports:dashboard", args=[plan.pk]))
    assert response.status_code == 200
    assert '<td class="text-end" data-label="Total">2000</td>' in response.content.decode()  # the All row's total


@pytest.fixture
def kept_for_a_minute(settings):
    settings.DASHBOARD_CACHE_SECONDS = 60
    cache.clear()
    yield
    cache.clear()


def test_dashboard_figures_are_kept_for_a_minute_and_say_when_they_were_calculated(
    client, users, demo, kept_for_a_minute, django_assert_max_num_queries
):
    client.force_login(users["scrutiny_member"])
    url = reverse("reports:dashboard", args=[demo.pk])
    first = client.get(url).content.decode()
    assert 'Overdue milestones <span class="badge text-bg-danger">5</span>' in first
    assert "recalculated at most every 60 seconds" in first
    late = Milestone.objects.get(pk=dashboard.dashboard(demo).overdue[0].pk)  # a report row names its milestone
    ProgressUpdate.objects.create(
        milestone=late, reporting_month=datetime.date(2009, 11, 1), status=Status.ACHIEVED, note="Done"
    )
    with django_assert_max_num_queries(10):  # session, user, plan, snapshots: no milestone is read
        kept = client.get(url).content.decode()
    assert 'Overdue milestones <span class="badge text-bg-danger">5</span>' in kept
    # Other filters are other figures, calculated now.
    now = dashboard.dashboard(demo, filters={"lead": str(late.lead_id)}).overdue_count
    filtered = client.get(url, {"lead": late.lead_id}).content.decode()
    assert f'Overdue milestones <span class="badge text-bg-danger">{now}</span>' in filtered
    cache.clear()  # as when the minute is up
    assert 'Overdue milestones <span class="badge text-bg-danger">4</span>' in client.get(url).content.decode()


@pytest.mark.parametrize("role", ["programme_manager", "performance_officer"])
def test_people_who_change_the_plan_see_the_dashboard_recalculated_and_refresh_it_for_others(
    client, users, demo, kept_for_a_minute, role
):
    url = reverse("reports:dashboard", args=[demo.pk])
    client.force_login(users["scrutiny_member"])
    assert 'Overdue milestones <span class="badge text-bg-danger">5</span>' in client.get(url).content.decode()
    late = Milestone.objects.get(pk=dashboard.dashboard(demo).overdue[0].pk)  # a report row names its milestone
    ProgressUpdate.objects.create(
        milestone=late, reporting_month=datetime.date(2009, 11, 1), status=Status.ACHIEVED, note="Done"
    )
    client.force_login(users[role])
    page = client.get(url).content.decode()
    assert 'Overdue milestones <span class="badge text-bg-danger">4</span>' in page
    assert "recalculated on each of your visits" in page
    client.force_login(users["scrutiny_member"])  # the recalculated figures are kept for everyone
    assert 'Overdue milestones <span class="badge text-bg-danger">4</span>' in client.get(url).content.decode()


def test_due_figures_are_recalculated_by_one_request_while_the_others_get_the_kept_ones(
    demo, kept_for_a_minute, monkeypatch
):
    kept_html, calculated_at = dashboard.dashboard_html(demo)
    late = Milestone.objects.get(pk=dashboard.dashboard(demo).overdue[0].pk)  # a report row names its milestone
    ProgressUpdate.objects.create(
        milestone=late, reporting_month=datetime.date(2009, 11, 1), status=Status.ACHIEVED, note="Done"
    )
    a_minute_later = calculated_at + datetime.timedelta(seconds=61)
    monkeypatch.setattr(dashboard.timezone, "now", lambda: a_minute_later)
    cache.add(dashboard.dashboard_cache_key(demo) + ":recalculating", True)  # another request is at it
    assert dashboard.dashboard_html(demo) == (kept_html, calculated_at)
    cache.delete(dashboard.dashboard_cache_key(demo) + ":recalculating")
    html, recalculated_at = dashboard.dashboard_html(demo)
    assert recalculated_at == a_minute_later
    assert 'Overdue milestones <span class="badge text-bg-danger">4</span>' in html
    assert dashboard.dashboard_html(demo) == (html, recalculated_at)  # fresh again: kept


def test_while_another_request_calculates_the_first_figures_the_others_wait_for_them(
    demo, kept_for_a_minute, monkeypatch
):
    import threading

    key = dashboard.dashboard_cache_key(demo)
    cache.add(key + ":recalculating", True)  # another request has started the first calculation
    theirs = ("<p>their figures</p>", datetime.datetime(2009, 11, 4, 9, 0, tzinfo=datetime.UTC))
    threading.Timer(0.2, lambda: cache.set(key, theirs, 60)).start()
    assert dashboard.dashboard_html(demo) == theirs
    # Nobody finishes in time: the request calculates them itself.
    cache.clear()
    cache.add(key + ":recalculating", True)
    monkeypatch.setattr(dashboard, "WAIT_SECONDS", 0.2)
    html, _ = dashboard.dashboard_html(demo)
    assert 'Overdue milestones <span class="badge text-bg-danger">5</span>' in html


def test_without_keeping_the_dashboard_shows_a_change_at_once(client, users, demo):
    client.force_login(users["scrutiny_member"])
    url = reverse("reports:dashboard", args=[demo.pk])
    assert 'Overdue milestones <span class="badge text-bg-danger">5</span>' in client.get(url).content.decode()
    late = Milestone.objects.get(pk=dashboard.dashboard(demo).overdue[0].pk)  # a report row names its milestone
    ProgressUpdate.objects.create(
        milestone=late, reporting_month=datetime.date(2009, 11, 1), status=Status.ACHIEVED, note="Done"
    )
    assert 'Overdue milestones <span class="badge text-bg-danger">4</span>' in client.get(url).content.decode()
