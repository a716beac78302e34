"""Snapshots: frozen, immutable, idempotent, locking their month, reproducing their reports."""

import datetime

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.urls import reverse

from milestones.models import Milestone, ProgressUpdate
from milestones.querysets import AppendOnlyError
from milestones.services import progress_update_create, slippage_record_create
from reports import rendering
from reports.models import Snapshot, SnapshotMilestone
from reports.snapshots import SnapshotExists, current_snapshot, snapshot_create
from reports.tasks import snapshots_scheduled

pytestmark = pytest.mark.django_db

OCT, NOV = datetime.date(2009, 10, 1), datetime.date(2009, 11, 1)


@pytest.fixture
def october(demo):
    return current_snapshot(demo, OCT)


def test_demo_has_the_october_snapshot(october):
    assert october.milestones.count() == 146 and october.indicators.count() == 13


def test_report_as_at_a_snapshot_keeps_its_rows_after_the_plan_moves_on(demo, october, users):
    before = {
        kind: rendering.report_part(kind, demo, snapshot=october) for kind in ("milestones", "exceptions", "indicators")
    }
    html_before = rendering.render_html([before["milestones"]], "x")
    pm = users["programme_manager"]
    # The plan moves on: November updates, a re-plan with a new exception, a reworded milestone.
    milestone = Milestone.objects.get(action__ref="1.01", description__startswith="Joint communications")
    progress_update_create(
        milestone=milestone, author=pm, reporting_month=NOV, status="achieved", note="Nov 2009 - Achieved"
    )
    slippage_record_create(
        milestone=milestone, author=pm, reason_for_slippage="Late", revised_completion_date=datetime.date(2010, 1, 31)
    )
    Milestone.objects.filter(pk=milestone.pk).update(description="Reworded later")
    after = {
        kind: rendering.report_part(kind, demo, snapshot=october) for kind in ("milestones", "exceptions", "indicators")
    }
    for kind in before:
        assert after[kind].report.rows == before[kind].report.rows, kind
    assert rendering.render_html([after["milestones"]], "x") == html_before
    # Live data has moved on, so the comparison above means something.
    live = rendering.report_part("milestones", demo, as_at=NOV)
    assert ("1.01", "Reworded later", "achieved") in live.report.rows


def test_a_snapshot_keeps_each_leads_agency_and_filters_by_it(demo, october):
    from reports.rows import milestone_rows
    from reports.snapshots import frozen_milestones

    live = {m.pk: m.lead.agency for m in Milestone.objects.filter(action__plan=demo).select_related("lead")}
    rows = frozen_milestones(october)
    assert {m.pk: m.lead_agency for m in rows} == live
    agency = next(a for a in live.values() if a != "Council")
    kept = milestone_rows(demo, snapshot=october, filters={"agency": agency}).rows()
    assert kept and len(kept) == sum(a == agency for a in live.values())
    assert {m.lead_agency for m in kept} == {agency}


def test_snapshots_taken_before_agencies_were_kept_get_their_leads_agency(demo, october):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("reports.migrations.0006_snapshot_lead_agency")
    SnapshotMilestone._base_manager.filter(snapshot=october).update(lead_agency="")  # as rows frozen before
    migration.agencies_for_earlier_snapshots(apps, None)
    frozen = dict(october.milestones.values_list("milestone_id", "lead_agency"))
    assert frozen == dict(Milestone.objects.filter(action__plan=demo).values_list("pk", "lead__agency"))


def test_snapshots_cannot_be_changed_or_deleted(october):
    with pytest.raises(AppendOnlyError):
        october.save()
    with pytest.raises(AppendOnlyError):
        october.delete()
    row = october.milestones.first()
    row.status = "achieved"
    with pytest.raises(AppendOnlyError):
        row.save()
    with pytest.raises(AppendOnlyError):
        SnapshotMilestone.objects.filter(snapshot=october).update(status="achieved")
    with pytest.raises(AppendOnlyError):
        Snapshot.objects.all().delete()


def test_taking_the_same_month_twice_says_it_exists_and_retake_supersedes(demo, october, users):
    with pytest.raises(SnapshotExists, match="already exists"):
        snapshot_create(plan=demo, period=OCT, kind="monthly")
    assert Snapshot.objects.filter(plan=demo, period=OCT).count() == 1
    retake = snapshot_create(plan=demo, period=OCT, kind="monthly", taken_by=users["programme_manager"], retake=True)
    october.refresh_from_db()
    assert retake.retake_of == october and october.is_superseded and not retake.is_superseded
    assert current_snapshot(demo, OCT) == retake
    assert Snapshot.objects.filter(plan=demo, period=OCT).count() == 2
    # A quarterly snapshot of the same month is a different snapshot.
    assert snapshot_create(plan=demo, period=OCT, kind="quarterly").kind == "quarterly"


def test_a_locked_month_refuses_updates_with_a_clear_message(client, users, demo, october):
    milestone = Milestone.objects.get(action__ref="1.03", description__startswith="Work programme")
    client.force_login(users["programme_manager"])
    response = client.post(
        reverse("milestones:update", args=[milestone.pk]),
        {"reporting_month": "2009-10", "status": "achieved", "note": "Oct 2009 - Achieved"},
    )
    html = response.content.decode()
    assert "Oct 2009 is locked: its monthly snapshot was taken on 04 Nov 2009" in html
    assert "Report on Nov 2009 instead." in html
    assert not ProgressUpdate.objects.filter(
        milestone=milestone, reporting_month=OCT, note="Oct 2009 - Achieved"
    ).exists()
    response = client.post(
        reverse("milestones:update", args=[milestone.pk]),
        {"reporting_month": "2009-11", "status": "achieved", "note": "Nov 2009 - Achieved"},
    )
    assert response.status_code == 302


def test_render_report_as_at_a_month_uses_its_snapshot(demo, october, tmp_path, users):
    Milestone.objects.filter(action__ref="1.01").update(description="Changed after the snapshot")
    out = tmp_path / "m.html"
    call_command(
        "render_report",
        "milestones",
        "--plan",
        demo.name,
        "--format",
        "html",
        "--as-at",
        "2009-10",
        "--output",
        str(out),
        stdout=open("/dev/null", "w"),
    )
    html = out.read_text()
    assert "from the monthly snapshot taken 04 Nov 2009" in html
    assert "Changed after the snapshot" not in html


def test_take_snapshot_command(demo, october):
    with pytest.raises(CommandError, match="already exists"):
        call_command("take_snapshot", "--plan", demo.name, "--period", "2009-10")
    with pytest.raises(CommandError, match="not a month"):
        call_command("take_snapshot", "--plan", demo.name, "--period", "soon")
    call_command(
        "take_snapshot",
        "--plan",
        demo.name,
        "--period",
        "2009-09",
        "--kind",
        "quarterly",
        stdout=open("/dev/null", "w"),
    )
    assert current_snapshot(demo, datetime.date(2009, 9, 1), "quarterly")


def test_scheduled_snapshots_take_last_month_once_and_quarterly_only_after_a_quarter(demo, settings):
    settings.PLAN_TODAY = datetime.date(2009, 12, 8)  # November just ended: not a quarter end
    assert snapshots_scheduled("quarterly") == []
    first = snapshots_scheduled("monthly")
    assert snapshots_scheduled("monthly") == first  # idempotent: the same snapshot
    snapshot = Snapshot.objects.get(pk=first[0])
    assert snapshot.period == NOV and snapshot.by_schedule and snapshot.taken_by_label == "the schedule"
    settings.PLAN_TODAY = datetime.date(2010, 1, 8)  # December ended a quarter; its deadline is today
    assert snapshots_scheduled("quarterly") == []
    settings.PLAN_TODAY = datetime.date(2010, 1, 11)  # the deadline has passed
    assert len(snapshots_scheduled("quarterly")) == 1


def test_beat_schedule_has_the_monthly_and_quarterly_snapshots():
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert schedule["monthly-snapshot"]["task"] == "reports.tasks.snapshots_scheduled"
    assert schedule["monthly-snapshot"]["args"] == ("monthly",)
    assert schedule["quarterly-snapshot"]["args"] == ("quarterly",)
    assert schedule["quarterly-snapshot"]["schedule"].month_of_year == {1, 4, 7, 10}


ROLES = ["programme_manager", "milestone_lead", "performance_officer", "scrutiny_member"]


@pytest.mark.parametrize("role", ROLES)
def test_snapshot_pages_are_read_only_and_only_the_manager_takes_one(client, users, demo, october, role):
    client.force_login(users[role])
    assert client.get(reverse("reports:snapshots", args=[demo.pk])).status_code == 200
    detail = client.get(october.get_absolute_url())
    assert detail.status_code == 200 and "Read-only" in detail.content.decode()
    assert client.post(october.get_absolute_url()).status_code == 405  # no edit view
    count = Snapshot.objects.count()
    response = client.post(reverse("reports:snapshot_take", args=[demo.pk]), {"period": "2009-08", "kind": "monthly"})
    if role == "programme_manager":
        assert response.status_code == 302 and Snapshot.objects.count() == count + 1
    else:
        assert response.status_code == 403 and Snapshot.objects.count() == count


def test_report_page_reads_the_snapshot_of_the_month(client, users, demo, october):
    Milestone.objects.filter(action__ref="1.01").update(description="Changed after the snapshot")
    client.force_login(users["scrutiny_member"])
    url = reverse("reports:report", args=[demo.pk, "milestones"])
    html = client.get(url, {"as_at": "2009-10"}).content.decode()
    assert "Showing the Monthly snapshot, October 2009" in html and "Changed after the snapshot" not in html
    assert "Changed after the snapshot" in client.get(url, {"as_at": "2009-10", "live": "1"}).content.decode()


def test_movement_report_between_two_snapshots(users, settings):
    from milestones.models import Milestone as M
    from reports.data import movement_report

    from ..factories import (
        ActionFactory,
        IndicatorFactory,
        IndicatorValueFactory,
        IndicatorYearFactory,
        MilestoneFactory,
    )

    pm = users["programme_manager"]
    action = ActionFactory(ref="1.01")
    plan = action.plan
    due = datetime.date(2009, 12, 31)
    achieves = MilestoneFactory(action=action, description="Achieves", due_date=due)
    slips = MilestoneFactory(action=action, description="Slips", due_date=due)
    replanned = MilestoneFactory(action=action, description="Re-planned", due_date=due)
    steady = MilestoneFactory(action=action, description="Steady", due_date=due)
    indicator = IndicatorFactory(plan=plan, ytd_method="latest")
    IndicatorYearFactory(indicator=indicator, target=60)
    IndicatorValueFactory(indicator=indicator, period=datetime.date(2009, 9, 1), value=70)
    settings.PLAN_TODAY = datetime.date(2009, 10, 8)
    for m in (achieves, slips, replanned, steady):
        progress_update_create(milestone=m, author=pm, reporting_month=datetime.date(2009, 9, 1), status="on_track")
    september = snapshot_create(plan=plan, period=datetime.date(2009, 9, 1), kind="monthly")
    settings.PLAN_TODAY = datetime.date(2009, 11, 8)
    progress_update_create(milestone=achieves, author=pm, reporting_month=OCT, status="achieved")
    progress_update_create(milestone=slips, author=pm, reporting_month=OCT, status="not_on_track", note="Funding")
    slippage_record_create(
        milestone=replanned, author=pm, reason_for_slippage="Board", revised_completion_date=datetime.date(2010, 2, 28)
    )
    IndicatorValueFactory(indicator=indicator, period=OCT, value=40)
    added = MilestoneFactory(action=action, description="Added later", due_date=due)
    october = snapshot_create(plan=plan, period=OCT, kind="monthly")

    report = movement_report(plan, snapshot=october)
    assert report.from_snapshot == september
    rows = report.rows
    assert rows["newly_achieved"] == ["Achieves"]
    assert rows["newly_slipped"] == ["Slips"]
    assert rows["status_changes"] == [("Achieves", "on_track", "achieved"), ("Slips", "on_track", "not_on_track")]
    assert rows["new_exceptions"] == ["Re-planned"] and rows["revised_dates"] == ["Re-planned"]
    assert [c.row.description for c in report.added] == ["Added later"]
    assert rows["indicators"] == [(indicator.code, "ok", "alert")]
    assert M.objects.get(pk=added.pk)  # the added milestone is live, not in September's snapshot


def test_movement_needs_two_snapshots(demo):
    from reports.data import movement_report

    snapshot_count = Snapshot.objects.filter(plan=demo).count()
    assert snapshot_count == 2  # the demo's September and October
    report = movement_report(demo, snapshot=current_snapshot(demo, datetime.date(2009, 9, 1)))
    assert report.from_snapshot is None
    html = rendering.render_html([rendering.Part("reports/partials/movement.html", report)], "x")
    assert "compares two snapshots" in html


def test_movement_is_an_optional_pack_appendix(demo):
    from reports.models import CommitteePack

    pack = CommitteePack.objects.get(plan=demo)
    pack.appendices = ["milestones", "exceptions", "movement"]
    labels = [part.label for part in rendering.pack_parts(pack)]
    assert labels[-1] == "Appendix 2: Safeguarding Plan for Haringey Movement since the Previous Report, October 2009"
    movement = rendering.pack_parts(pack)[-1].report
    assert movement.from_snapshot.period == datetime.date(2009, 9, 1) and len(movement.newly_achieved) == 31
