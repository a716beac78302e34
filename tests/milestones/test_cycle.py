"""The monthly cycle: deadlines, submit / sign off / return, explainable status."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from milestones import selectors
from milestones.models import UpdateReview
from milestones.services import progress_update_create, update_review_create
from milestones.status import Status, status_flags
from plans.models import LockedMonth, Person

from ..factories import PlanFactory

pytestmark = pytest.mark.django_db

NOV = datetime.date(2009, 11, 1)


@pytest.fixture
def action_lead(users, milestone):
    """users['other_lead'] leads the milestone's action."""
    milestone.action.action_lead = Person.objects.get(user=users["other_lead"])
    milestone.action.save()
    return users["other_lead"]


@pytest.fixture
def submitted(users, milestone, plan_today):
    return progress_update_create(
        milestone=milestone, author=users["milestone_lead"], reporting_month=NOV, status="not_on_track", note="Late"
    )


def test_update_deadline_is_the_nth_working_day_after_month_end():
    plan = PlanFactory.build(update_deadline_working_day=5)
    # October 2009 ended on a Saturday: working days 2, 3, 4, 5, 6 November.
    assert plan.update_deadline(datetime.date(2009, 10, 1)) == datetime.date(2009, 11, 6)
    plan.update_deadline_working_day = 1
    assert plan.update_deadline(datetime.date(2009, 10, 1)) == datetime.date(2009, 11, 2)


def test_update_deadline_skips_bank_holidays(settings):
    plan = PlanFactory.build(update_deadline_working_day=5)
    # March 2010: Good Friday 2 April and Easter Monday 5 April are not working days.
    assert plan.update_deadline(datetime.date(2010, 3, 1)) == datetime.date(2010, 4, 9)
    # December 2009: New Year's Day (Friday 1 January) is not either.
    assert plan.update_deadline(datetime.date(2009, 12, 1)) == datetime.date(2010, 1, 8)
    settings.BANK_HOLIDAYS = ""  # a council that counts weekdays only
    assert plan.update_deadline(datetime.date(2010, 3, 1)) == datetime.date(2010, 4, 7)


def test_scottish_bank_holidays_are_their_own(settings):
    settings.BANK_HOLIDAYS = "SCT"
    plan = PlanFactory.build(update_deadline_working_day=1)
    # Monday 3 August 2009 was Scotland's summer bank holiday; England's came at the end of the month.
    assert plan.update_deadline(datetime.date(2009, 7, 1)) == datetime.date(2009, 8, 4)
    settings.BANK_HOLIDAYS = "ENG"
    assert plan.update_deadline(datetime.date(2009, 7, 1)) == datetime.date(2009, 8, 3)


def test_reporting_month_due_is_last_month_until_its_deadline():
    plan = PlanFactory.build(update_deadline_working_day=5)
    assert plan.reporting_month_due(datetime.date(2009, 11, 6)) == datetime.date(2009, 10, 1)
    assert plan.reporting_month_due(datetime.date(2009, 11, 7)) == NOV


def test_action_lead_signs_off_and_it_shows_in_history(client, users, milestone, action_lead, submitted):
    client.force_login(action_lead)
    assert submitted in selectors.updates_awaiting_review(action_lead)
    response = client.post(reverse("milestones:review", args=[submitted.pk]), {"decision": "signed_off"})
    assert response.status_code == 302
    assert submitted.reviews.get().decision == "signed_off"
    assert submitted not in selectors.updates_awaiting_review(action_lead)
    html = client.get(reverse("milestones:detail", args=[milestone.pk])).content.decode()
    assert "Signed off</strong> by otherlead" in html


def test_returning_needs_a_comment_and_the_lead_sees_why(client, users, milestone, action_lead, submitted):
    client.force_login(action_lead)
    client.post(reverse("milestones:review", args=[submitted.pk]), {"decision": "returned", "comment": ""})
    assert not UpdateReview.objects.exists()
    client.post(
        reverse("milestones:review", args=[submitted.pk]), {"decision": "returned", "comment": "Say which schools"}
    )
    assert submitted.reviews.get().decision == "returned"
    client.force_login(users["milestone_lead"])
    mine = client.get(reverse("milestones:mine"))
    assert milestone in mine.context["mine"].needs_update  # back at the top of their list
    assert "Returned:</strong> Say which schools" in mine.content.decode()
    # The lead resubmits: a new update for the same month, awaiting review again.
    again = progress_update_create(
        milestone=milestone,
        author=users["milestone_lead"],
        reporting_month=NOV,
        status="not_on_track",
        note="Late: 3 schools",
    )
    assert again in selectors.updates_awaiting_review(action_lead)
    assert submitted not in selectors.updates_awaiting_review(action_lead)


@pytest.mark.parametrize("role", ["milestone_lead", "performance_officer", "scrutiny_member"])
def test_only_the_action_lead_or_programme_manager_may_review(client, users, milestone, submitted, role):
    client.force_login(users[role])
    response = client.post(reverse("milestones:review", args=[submitted.pk]), {"decision": "signed_off"})
    assert response.status_code == 403
    assert not UpdateReview.objects.exists()


def test_programme_manager_may_review_any_update(users, submitted):
    update_review_create(update=submitted, reviewer=users["programme_manager"], decision="signed_off")
    with pytest.raises(ValidationError, match="already been signed off"):
        update_review_create(update=submitted, reviewer=users["programme_manager"], decision="returned", comment="x")


def test_author_cannot_sign_off_their_own_update(users, milestone, submitted):
    milestone.action.action_lead = milestone.lead  # the lead leads the action too
    milestone.action.save()
    with pytest.raises(PermissionDenied):
        update_review_create(update=submitted, reviewer=users["milestone_lead"], decision="signed_off")


def test_a_locked_month_cannot_be_reviewed(users, milestone, action_lead, submitted):
    LockedMonth.objects.create(plan=milestone.action.plan, month=NOV, reason="its monthly snapshot was taken.")
    with pytest.raises(ValidationError, match="Nov 2009 is locked"):
        update_review_create(update=submitted, reviewer=action_lead, decision="signed_off")


TODAY = datetime.date(2009, 11, 4)


@pytest.mark.parametrize(
    "status, start, due, flagged",
    [
        ("on_track", datetime.date(2009, 7, 1), datetime.date(2009, 10, 31), ["due date, 31 Oct 2009, has passed"]),
        ("on_track", datetime.date(2009, 7, 1), datetime.date(2009, 12, 31), []),
        ("not_started", datetime.date(2009, 9, 1), datetime.date(2009, 12, 31), ["planned to start on 01 Sep 2009"]),
        ("not_started", datetime.date(2009, 12, 1), datetime.date(2009, 12, 31), []),
        ("not_started", datetime.date(2009, 7, 1), datetime.date(2009, 10, 31), ["has passed", "planned to start"]),
        ("achieved", datetime.date(2009, 7, 1), datetime.date(2009, 10, 31), []),
        ("not_on_track", datetime.date(2009, 7, 1), datetime.date(2009, 10, 31), []),
        ("on_track", None, None, []),
    ],
)
def test_status_flags(status, start, due, flagged):
    flags = status_flags(Status(status), start, due, TODAY)
    assert len(flags) == len(flagged)
    for flag, words in zip(flags, flagged, strict=True):
        assert words in flag


def test_keeping_a_flagged_status_needs_a_reason_shown_in_the_reports(client, users, milestone, plan_today):
    client.force_login(users["milestone_lead"])
    url = reverse("milestones:update", args=[milestone.pk])
    html = client.post(
        url, {"reporting_month": "2009-11", "status": "on_track", "note": "Nov 2009 - On track"}
    ).content.decode()
    assert "Reported on track but the due date, 31 Oct 2009, has passed." in html and "Give a reason" in html
    response = client.post(
        url,
        {
            "reporting_month": "2009-11",
            "status": "on_track",
            "note": "Nov 2009",
            "status_reason": "Board sign-off is a formality",
        },
    )
    assert response.status_code == 302
    from reports import rendering

    report = rendering.render_html([rendering.report_part("milestones", milestone.action.plan)], "x")
    assert "Status kept by the lead: Board sign-off is a formality" in report
    page = client.get(reverse("milestones:plan", args=[milestone.action.plan.pk])).content.decode()
    assert "has passed" in page  # the flag is shown beside the status
