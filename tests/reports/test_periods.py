"""Month-end: a month closes on schedule after its update deadline, or earlier when the programme
manager confirms; a closed month is reopened with a reason and its snapshot retaken on the next close."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from milestones.forms import ProgressUpdateForm
from milestones.models import ProgressUpdate
from milestones.services import progress_update_create, update_review_create
from plans.models import LockedMonth, MonthReopening
from reports.models import Snapshot
from reports.periods import month_state, outstanding, period_close, period_reopen
from reports.snapshots import current_snapshot
from reports.tasks import snapshots_scheduled

pytestmark = pytest.mark.django_db

OCT = datetime.date(2009, 10, 1)
NOV = datetime.date(2009, 11, 1)
# October 2009's updates are due on the 5th working day of November: Friday 6 November.
OCT_DEADLINE = datetime.date(2009, 11, 6)


@pytest.fixture
def plan(milestone):
    return milestone.action.plan


def test_october_deadline_is_the_fifth_working_day_of_november(plan):
    assert plan.update_deadline(OCT) == OCT_DEADLINE


def test_schedule_does_not_close_a_month_before_its_deadline(plan, settings):
    settings.PLAN_TODAY = OCT_DEADLINE
    assert snapshots_scheduled("monthly") == []
    assert not LockedMonth.objects.filter(plan=plan, month=OCT).exists()


def test_schedule_closes_the_month_the_day_after_its_deadline(plan, settings):
    settings.PLAN_TODAY = OCT_DEADLINE + datetime.timedelta(days=1)
    [snapshot_id] = snapshots_scheduled("monthly")
    snapshot = Snapshot.objects.get(pk=snapshot_id)
    assert snapshot.period == OCT and snapshot.by_schedule
    assert LockedMonth.objects.filter(plan=plan, month=OCT).exists()


def test_schedule_leaves_a_reopened_month_open(plan, users, settings):
    settings.PLAN_TODAY = datetime.date(2009, 11, 10)
    snapshots_scheduled("monthly")
    period_reopen(plan=plan, month=OCT, actor=users["programme_manager"], reason="A late update from the police")
    snapshots_scheduled("monthly")
    assert not LockedMonth.objects.filter(plan=plan, month=OCT).exists()


def test_closing_before_the_deadline_needs_confirmation(plan, users, settings):
    settings.PLAN_TODAY = datetime.date(2009, 11, 4)
    with pytest.raises(ValidationError, match="Confirm"):
        period_close(plan=plan, month=OCT, actor=users["programme_manager"])
    assert not LockedMonth.objects.filter(plan=plan, month=OCT).exists()
    snapshot = period_close(plan=plan, month=OCT, actor=users["programme_manager"], confirmed=True)
    assert snapshot.period == OCT and LockedMonth.objects.filter(plan=plan, month=OCT).exists()


def test_the_schedule_never_closes_early_even_through_the_service(plan, settings):
    settings.PLAN_TODAY = datetime.date(2009, 11, 4)
    with pytest.raises(ValidationError, match="has not passed"):
        period_close(plan=plan, month=OCT, by_schedule=True, confirmed=True)


def test_a_month_that_has_not_ended_cannot_be_closed(plan, users, settings):
    settings.PLAN_TODAY = datetime.date(2009, 11, 4)
    with pytest.raises(ValidationError, match="has not ended"):
        period_close(plan=plan, month=NOV, actor=users["programme_manager"], confirmed=True)


@pytest.mark.parametrize("role", ["milestone_lead", "performance_officer", "scrutiny_member"])
def test_only_the_programme_manager_closes_or_reopens(plan, users, settings, role):
    settings.PLAN_TODAY = datetime.date(2009, 11, 10)
    with pytest.raises(PermissionDenied):
        period_close(plan=plan, month=OCT, actor=users[role])
    period_close(plan=plan, month=OCT, actor=users["programme_manager"])
    with pytest.raises(PermissionDenied):
        period_reopen(plan=plan, month=OCT, actor=users[role], reason="Because")


def test_reopen_needs_a_reason_records_it_and_removes_the_lock(plan, users, settings, milestone):
    settings.PLAN_TODAY = datetime.date(2009, 11, 10)
    first = period_close(plan=plan, month=OCT, actor=users["programme_manager"])
    with pytest.raises(ValidationError):
        period_reopen(plan=plan, month=OCT, actor=users["programme_manager"], reason="  ")
    reopening = period_reopen(
        plan=plan, month=OCT, actor=users["programme_manager"], reason="Children's services sent theirs late"
    )
    assert reopening.reason == "Children's services sent theirs late" and reopening.lock_reason
    assert MonthReopening.objects.filter(plan=plan, month=OCT).count() == 1
    assert not LockedMonth.objects.filter(plan=plan, month=OCT).exists()
    # The lead can report October again; closing again retakes the snapshot, keeping the old one.
    progress_update_create(
        milestone=milestone, author=users["milestone_lead"], reporting_month=OCT, status="on_track", note="Late"
    )
    second = period_close(plan=plan, month=OCT, actor=users["programme_manager"])
    first.refresh_from_db()
    assert second.retake_of == first and first.is_superseded
    assert current_snapshot(plan, OCT, "monthly") == second
    assert month_state(plan, OCT).closed


def test_reopening_an_open_month_is_refused(plan, users):
    with pytest.raises(ValidationError, match="not closed"):
        period_reopen(plan=plan, month=OCT, actor=users["programme_manager"], reason="x")


def test_outstanding_lists_milestones_without_the_months_update(plan, milestone, users, settings):
    settings.PLAN_TODAY = datetime.date(2009, 11, 4)
    assert outstanding(plan, OCT) == [milestone]
    progress_update_create(
        milestone=milestone, author=users["milestone_lead"], reporting_month=OCT, status="on_track", note="Going"
    )
    assert outstanding(plan, OCT) == []


# The progress form: open months only, defaulting to the month being reported.


def test_update_form_defaults_to_last_month_until_its_deadline(milestone, settings):
    settings.PLAN_TODAY = datetime.date(2009, 11, 4)
    form = ProgressUpdateForm(milestone=milestone)
    assert form.initial["reporting_month"] == OCT
    settings.PLAN_TODAY = datetime.date(2009, 11, 9)
    assert ProgressUpdateForm(milestone=milestone).initial["reporting_month"] == NOV


def test_update_form_offers_only_open_months(milestone, users, settings):
    settings.PLAN_TODAY = datetime.date(2009, 11, 4)
    plan = milestone.action.plan
    period_close(plan=plan, month=datetime.date(2009, 9, 1), actor=users["programme_manager"])
    months = [month for month, _ in ProgressUpdateForm(milestone=milestone).fields["reporting_month"].choices]
    assert months[:2] == [NOV, OCT] and datetime.date(2009, 9, 1) not in months
    form = ProgressUpdateForm(
        data={"reporting_month": "2009-09", "status": "on_track", "note": "x"}, milestone=milestone
    )
    assert not form.is_valid() and "Sep 2009 is locked" in form.errors["reporting_month"][0]


def test_update_form_defaults_to_this_month_when_last_month_was_closed_early(milestone, users, settings):
    settings.PLAN_TODAY = datetime.date(2009, 11, 4)
    period_close(plan=milestone.action.plan, month=OCT, actor=users["programme_manager"], confirmed=True)
    assert ProgressUpdateForm(milestone=milestone).initial["reporting_month"] == NOV


def test_lead_reports_october_on_4_november_before_the_deadline(client, milestone, users, settings):
    settings.PLAN_TODAY = datetime.date(2009, 11, 4)
    client.force_login(users["milestone_lead"])
    url = reverse("milestones:update", args=[milestone.pk])
    page = client.get(url).content.decode()
    assert '<option value="2009-10-01" selected>October 2009</option>' in page
    response = client.post(
        url, {"reporting_month": "2009-10-01", "status": "not_on_track", "note": "Oct 2009 - slipped"}
    )
    assert response.status_code == 302, response.context["form"].errors
    assert ProgressUpdate.objects.get(milestone=milestone).reporting_month == OCT


def test_returned_update_prefills_the_form_and_shows_the_comment(client, milestone, users, settings):
    settings.PLAN_TODAY = datetime.date(2009, 11, 4)
    update = progress_update_create(
        milestone=milestone, author=users["milestone_lead"], reporting_month=OCT, status="on_track", note="Draft text"
    )
    update_review_create(
        update=update, reviewer=users["programme_manager"], decision="returned", comment="Say what slipped."
    )
    client.force_login(users["milestone_lead"])
    page = client.get(reverse("milestones:update", args=[milestone.pk])).content.decode()
    assert "Say what slipped." in page and "data-returned-comment" in page
    assert "Draft text</textarea>" in page


# Pages


def test_close_page_lists_outstanding_and_needs_the_tick_before_the_deadline(client, plan, milestone, users, settings):
    settings.PLAN_TODAY = datetime.date(2009, 11, 4)
    client.force_login(users["programme_manager"])
    url = reverse("reports:period_close", args=[plan.pk, 2009, 10])
    page = client.get(url).content.decode()
    assert milestone.description[:20] in page and "closing early" in page
    refused = client.post(url, {})
    assert refused.status_code == 200 and "data-error-summary" in refused.content.decode()
    assert not LockedMonth.objects.filter(plan=plan, month=OCT).exists()
    assert client.post(url, {"confirm": "on"}).status_code == 302
    assert LockedMonth.objects.filter(plan=plan, month=OCT).exists()
    reopen = reverse("reports:period_reopen", args=[plan.pk, 2009, 10])
    assert "data-error-summary" in client.post(reopen, {"reason": ""}).content.decode()
    assert client.post(reopen, {"reason": "Late police update"}).status_code == 302
    assert not LockedMonth.objects.filter(plan=plan, month=OCT).exists()
    assert "Late police update" in client.get(reverse("reports:month_end", args=[plan.pk])).content.decode()


@pytest.mark.parametrize("role", ["milestone_lead", "performance_officer", "scrutiny_member"])
def test_close_and_reopen_pages_are_for_the_programme_manager(client, plan, users, role):
    client.force_login(users[role])
    assert client.get(reverse("reports:month_end", args=[plan.pk])).status_code == 200
    assert client.get(reverse("reports:period_close", args=[plan.pk, 2009, 10])).status_code == 403
    assert client.post(reverse("reports:period_reopen", args=[plan.pk, 2009, 10]), {"reason": "x"}).status_code == 403


def test_one_click_snapshot_cannot_close_a_month_before_its_deadline(client, plan, users, settings):
    settings.PLAN_TODAY = datetime.date(2009, 11, 4)
    client.force_login(users["programme_manager"])
    response = client.post(reverse("reports:snapshot_take", args=[plan.pk]), {"period": "2009-10", "kind": "monthly"})
    assert response.status_code == 302 and not LockedMonth.objects.filter(plan=plan, month=OCT).exists()
