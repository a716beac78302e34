"""Closing a reporting month (its snapshot, then the lock) and reopening it.

A month closes on schedule once its update deadline has passed (reports.tasks.snapshots_scheduled),
or earlier when the programme manager confirms it on a page listing what is still outstanding.
A closed month can be reopened by the programme manager with a reason (recorded in MonthReopening);
closing it again retakes its snapshot and keeps the old one as superseded.
"""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from milestones.reminders import milestones_missing_update
from plans.models import LockedMonth, MonthReopening, Plan
from plans.services import permission_check
from safeguarding import dates

from .models import Snapshot
from .snapshots import current_snapshot, snapshot_create

CLOSE_REFUSED = "Only the programme manager can close or reopen a month."


@dataclass
class MonthState:
    """One reporting month of a plan as the month-end page shows it."""

    plan: Plan
    month: datetime.date
    deadline: datetime.date
    today: datetime.date
    lock: LockedMonth | None = None
    snapshot: Snapshot | None = None
    reopenings: list = field(default_factory=list)

    @property
    def label(self):
        return dates.month_long_label(self.month)

    @property
    def closed(self):
        return self.lock is not None

    @property
    def ended(self):
        return dates.month_end(self.month) < self.today

    @property
    def deadline_passed(self):
        return self.today > self.deadline

    @property
    def can_close(self):
        return self.ended and not self.closed

    @property
    def state_label(self):
        if self.closed:
            return "Closed"
        if not self.ended:
            return "Open: month in progress"
        if self.reopenings:
            return "Reopened"
        return "Open: deadline passed, closes on schedule" if self.deadline_passed else "Open: updates due"


def month_state(plan, month, today=None) -> MonthState:
    today = today or dates.today()
    month = month.replace(day=1)
    return MonthState(
        plan=plan,
        month=month,
        deadline=plan.update_deadline(month),
        today=today,
        lock=LockedMonth.objects.filter(plan=plan, month=month).first(),
        snapshot=current_snapshot(plan, month, "monthly"),
        reopenings=list(
            MonthReopening.objects.filter(plan=plan, month=month).select_related("reopened_by").order_by("-reopened_at")
        ),
    )


def month_states(plan, today=None, count=6) -> list[MonthState]:
    """This month and the `count` months before it, newest first."""
    today = today or dates.today()
    month = today.replace(day=1)
    states = []
    for _ in range(count + 1):
        states.append(month_state(plan, month, today))
        month = dates.previous_month(month)
    return states


def outstanding(plan, month):
    """Milestones still without an update for the month (the ones the reminders chase)."""
    return list(milestones_missing_update(plan, month.replace(day=1)).select_related("action"))


@transaction.atomic
def period_close(*, plan, month, actor=None, confirmed=False, by_schedule=False, today=None) -> Snapshot:
    """Close a month: take its monthly snapshot (a retake if it was closed before) and lock it.

    Before the month's update deadline has passed it closes only when the programme manager
    has confirmed (never by the schedule). A month that has not ended does not close.
    """
    permission_check(actor, "plans.change_plan", plan, CLOSE_REFUSED)
    month = month.replace(day=1)
    today = today or dates.today()
    label = dates.month_long_label(month)
    if dates.month_end(month) >= today:
        raise ValidationError(f"{label} has not ended yet: a month closes after its last day.")
    if LockedMonth.objects.filter(plan=plan, month=month).exists():
        raise ValidationError(f"{label} is already closed.")
    deadline = plan.update_deadline(month)
    if today <= deadline:
        if by_schedule:
            raise ValidationError(f"{label}'s update deadline ({deadline:%-d %B %Y}) has not passed.")
        if not confirmed:
            raise ValidationError(
                f"{label}'s updates are due by {deadline:%-d %B %Y}. Confirm that you want to close it early."
            )
    retake = current_snapshot(plan, month, "monthly") is not None
    return snapshot_create(
        plan=plan, period=month, kind="monthly", taken_by=actor, by_schedule=by_schedule, retake=retake
    )


@transaction.atomic
def period_reopen(*, plan, month, actor, reason) -> MonthReopening:
    """Reopen a closed month: the reason is recorded, the lock removed; its snapshot stays until
    the month is closed again (then retaken, the old one kept as superseded)."""
    if actor is None:
        raise ValidationError("A month is reopened by a person, who gives the reason.")
    permission_check(actor, "plans.change_plan", plan, CLOSE_REFUSED)
    month = month.replace(day=1)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why the month is reopened."})
    Plan.objects.select_for_update().get(pk=plan.pk)
    lock = LockedMonth.objects.filter(plan=plan, month=month).first()
    if lock is None:
        raise ValidationError(f"{dates.month_long_label(month)} is not closed.")
    reopening = MonthReopening.objects.create(
        plan=plan, month=month, reason=reason, reopened_by=actor, lock_reason=lock.reason
    )
    lock.delete()
    return reopening
