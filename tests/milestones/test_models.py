import datetime

import pytest
from django.core.exceptions import ValidationError

from milestones.models import Milestone, ProgressUpdate
from milestones.querysets import AppendOnlyError
from milestones.status import Status

from ..factories import MilestoneFactory, ProgressUpdateFactory

pytestmark = pytest.mark.django_db

OCT, SEP = datetime.date(2009, 10, 1), datetime.date(2009, 9, 1)


def current(milestone):
    return Milestone.objects.with_current_status().get(pk=milestone.pk)


def test_milestone_without_updates_is_not_started():
    milestone = MilestoneFactory()
    assert current(milestone).current_status == Status.NOT_STARTED
    assert current(milestone).current_note == ""


def test_current_status_is_the_latest_months_update(plan_today):
    milestone = MilestoneFactory()
    ProgressUpdateFactory(milestone=milestone, reporting_month=OCT, status=Status.ON_TRACK, note="Oct 2009 - On track")
    # A late entry for an earlier month does not replace October's status.
    ProgressUpdateFactory(milestone=milestone, reporting_month=SEP, status=Status.NOT_ON_TRACK, note="Sep 2009 - late")
    assert current(milestone).current_status == Status.ON_TRACK
    assert current(milestone).current_note == "Oct 2009 - On track"


def test_a_correction_for_the_same_month_wins_and_history_keeps_both(plan_today):
    milestone = MilestoneFactory()
    ProgressUpdateFactory(milestone=milestone, status=Status.ON_TRACK, note="first")
    ProgressUpdateFactory(milestone=milestone, status=Status.ACHIEVED, note="corrected")
    assert current(milestone).current_status == Status.ACHIEVED
    assert [u.note for u in milestone.updates.latest_first()] == ["corrected", "first"]


def test_progress_updates_cannot_be_changed_or_deleted():
    update = ProgressUpdateFactory()
    update.note = "rewritten"
    with pytest.raises(AppendOnlyError):
        update.save()
    with pytest.raises(AppendOnlyError):
        update.delete()
    with pytest.raises(AppendOnlyError):
        ProgressUpdate.objects.filter(pk=update.pk).update(note="rewritten")
    with pytest.raises(AppendOnlyError):
        ProgressUpdate.objects.filter(pk=update.pk).delete()
    assert ProgressUpdate.objects.get(pk=update.pk).note == "Oct 2009 - On track"


def test_original_due_date_is_never_overwritten():
    milestone = MilestoneFactory(due_date=datetime.date(2009, 10, 31))
    milestone = Milestone.objects.get(pk=milestone.pk)
    milestone.due_date = datetime.date(2009, 12, 31)
    with pytest.raises(ValidationError):
        milestone.save()
    milestone.due_date = datetime.date(2009, 10, 31)
    milestone.revised_due_date = datetime.date(2009, 12, 31)
    milestone.save()
    milestone.refresh_from_db()
    assert (milestone.due_date, milestone.effective_due_date) == (
        datetime.date(2009, 10, 31),
        datetime.date(2009, 12, 31),
    )


def test_due_date_before_planned_start_is_refused():
    milestone = MilestoneFactory.build(planned_start=datetime.date(2009, 9, 1), due_date=datetime.date(2009, 8, 1))
    with pytest.raises(ValidationError) as error:
        milestone.clean()
    assert error.value.message_dict["due_date"] == ["The due date is before the planned start date."]


@pytest.mark.parametrize(
    "status, due, revised, overdue",
    [
        (None, datetime.date(2009, 10, 31), None, True),  # not started, past due
        (Status.ON_TRACK, datetime.date(2009, 10, 31), None, True),
        (Status.ACHIEVED, datetime.date(2009, 10, 31), None, False),  # achieved is never overdue
        (Status.ON_TRACK, datetime.date(2009, 11, 30), None, False),  # not yet due
        (Status.ON_TRACK, datetime.date(2009, 11, 4), None, False),  # due today is not overdue
        (Status.ON_TRACK, datetime.date(2009, 10, 31), datetime.date(2009, 12, 31), False),  # re-planned
        (Status.NOT_ON_TRACK, datetime.date(2009, 9, 30), datetime.date(2009, 10, 31), True),
    ],
)
def test_overdue_derivation(plan_today, status, due, revised, overdue):
    milestone = MilestoneFactory(planned_start=datetime.date(2009, 7, 1), due_date=due, revised_due_date=revised)
    if status:
        ProgressUpdateFactory(milestone=milestone, status=status)
    assert current(milestone).is_overdue is overdue
    assert milestone.is_overdue() is overdue
    assert (milestone in Milestone.objects.overdue()) is overdue


def test_not_on_track_update_needs_a_note(plan_today):
    update = ProgressUpdate(milestone=MilestoneFactory(), reporting_month=OCT, status=Status.NOT_ON_TRACK, note=" ")
    with pytest.raises(ValidationError) as error:
        update.full_clean()
    assert "Say why the milestone is not on track" in error.value.message_dict["note"][0]


def test_update_for_a_future_month_is_refused(plan_today):
    update = ProgressUpdate(
        milestone=MilestoneFactory(), reporting_month=datetime.date(2009, 12, 1), status=Status.ON_TRACK
    )
    with pytest.raises(ValidationError) as error:
        update.full_clean()
    assert error.value.message_dict["reporting_month"] == [
        "Dec 2009 is in the future: report on Nov 2009 or an earlier month."
    ]


def test_statuses_have_distinct_icons_and_words():
    assert len({s.icon for s in Status}) == len(Status)
    assert [s.label for s in Status] == ["Achieved", "On track", "At risk", "Not on track", "Not started"]
