"""Reminders, escalations and the programme manager's weekly digest.

Who is chased: the milestone lead of every milestone that is not achieved, has
started (or has no planned start) by the end of the reporting month, and has no
progress update for that month, while the month is not locked. Leads are
reminded `reminder_days_before` days before the update deadline; a lead still
without an update `escalation_days_after` days after it is reminded again with
their action lead copied. Each email is recorded (Notification), so running a
job twice never sends twice.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q

from plans import roles
from plans.models import LockedMonth, Person, Plan
from safeguarding import dates

from .models import Milestone, Notification, ProgressUpdate
from .status import Status


def person_email(person):
    return person.email or (person.user.email if person.user_id and person.user else "")


def milestones_missing_update(plan, month):
    """Milestones that should have an update for the month and have none."""
    has_update = ProgressUpdate.objects.filter(milestone=OuterRef("pk"), reporting_month=month)
    return (
        Milestone.objects.for_plan(plan)
        .with_current_status()
        .exclude(current_status=Status.ACHIEVED)
        .filter(Q(planned_start__isnull=True) | Q(planned_start__lte=dates.month_end(month)))
        .exclude(Exists(has_update))
        .select_related("lead__user", "action__action_lead__user")
        .order_by("action__ref_sort_key", "order")
    )


@dataclass
class Chase:
    """One email to one lead about their milestones missing an update."""

    kind: str
    plan: Plan
    month: datetime.date
    deadline: datetime.date
    lead: Person
    milestones: list = field(default_factory=list)

    @property
    def cc(self):
        if self.kind != Notification.Kind.ESCALATION:
            return []
        leads = {m.action.action_lead for m in self.milestones if m.action.action_lead_id != self.lead.pk}
        return sorted({email for email in map(person_email, leads) if email})


def chases_due(plan, today=None):
    """The reminders and escalations a plan needs today (before removing those already sent)."""
    today = today or dates.today()
    chases = []
    locked = set(LockedMonth.objects.filter(plan=plan).values_list("month", flat=True))
    for month in (dates.previous_month(today), today.replace(day=1)):
        if month in locked:
            continue
        deadline = plan.update_deadline(month)
        if deadline - datetime.timedelta(days=plan.reminder_days_before) <= today <= deadline:
            kind = Notification.Kind.REMINDER
        elif today >= deadline + datetime.timedelta(days=plan.escalation_days_after):
            kind = Notification.Kind.ESCALATION
        else:
            continue
        by_lead = defaultdict(list)
        for milestone in milestones_missing_update(plan, month):
            by_lead[milestone.lead].append(milestone)
        chases += [Chase(kind, plan, month, deadline, lead, items) for lead, items in by_lead.items()]
    return chases


def _send_once(kind, plan, month, to, subject, body, cc=()):
    """Send unless already sent (the Notification row is the record and the guard)."""
    try:
        with transaction.atomic():
            Notification.objects.create(
                kind=kind, plan=plan, month=month, recipient=to, cc=", ".join(cc), subject=subject
            )
            EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [to], cc=list(cc)).send()
    except IntegrityError:
        return False
    return True


def chase_body(chase):
    lines = [
        f"Dear {chase.lead.name},",
        "",
        f"Your {dates.month_label(chase.month)} progress updates for the {chase.plan.name} are due by "
        f"{chase.deadline:%A %d %B %Y}."
        if chase.kind == Notification.Kind.REMINDER
        else f"Your {dates.month_label(chase.month)} progress updates for the {chase.plan.name} were due by "
        f"{chase.deadline:%A %d %B %Y} and have not been received. Your action lead is copied.",
        "",
        "Milestones without an update:",
    ]
    for m in chase.milestones:
        lines.append(
            f"  {m.action.ref}  {m.description} (due {m.effective_due_date:%d %b %Y})"
            if m.effective_due_date
            else f"  {m.action.ref}  {m.description}"
        )
    lines += ["", "Please add a progress note and status for each in Plan Tracker (My milestones)."]
    return "\n".join(lines)


@dataclass
class ReminderRun:
    sent: int = 0
    already_sent: int = 0
    no_email: list = field(default_factory=list)


def reminders_send(today=None) -> ReminderRun:
    """Send every plan's due reminders and escalations, once each."""
    run = ReminderRun()
    for plan in Plan.objects.all():
        for chase in chases_due(plan, today):
            to = person_email(chase.lead)
            if not to:
                run.no_email.append(chase.lead.name)
                continue
            verb = "reminder" if chase.kind == Notification.Kind.REMINDER else "overdue"
            subject = f"{plan.name}: {dates.month_label(chase.month)} progress updates ({verb})"
            if _send_once(chase.kind, plan, chase.month, to, subject, chase_body(chase), chase.cc):
                run.sent += 1
            else:
                run.already_sent += 1
    return run


def digest_send(today=None) -> int:
    """The weekly digest to each programme manager: updates overdue, milestones overdue, sign-offs waiting."""
    from .selectors import updates_awaiting_review

    today = today or dates.today()
    week = today - datetime.timedelta(days=today.weekday())
    users = list(get_user_model().objects.filter(is_active=True, is_superuser=False).exclude(email=""))
    sent = 0
    for plan in Plan.objects.all():
        # Each plan's digest goes to its own programme managers only.
        managers = [user for user in users if roles.PROGRAMME_MANAGER in roles.plan_roles(user, plan)]
        if not managers:
            continue
        month = dates.previous_month(today)
        late = [] if plan.update_deadline(month) >= today else list(milestones_missing_update(plan, month))
        overdue = Milestone.objects.for_plan(plan).overdue(today).count()
        lines = [
            f"{plan.name}: week of {week:%d %B %Y}",
            "",
            f"Overdue {dates.month_label(month)} updates: {len(late)}",
            *[f"  {m.action.ref}  {m.description} ({m.lead})" for m in late],
            "",
            f"Milestones past their due date and not achieved: {overdue}",
        ]
        for manager in managers:
            waiting = [u for u in updates_awaiting_review(manager) if u.milestone.action.plan_id == plan.pk]
            body = "\n".join([*lines, f"Updates waiting for sign-off: {len(waiting)}"])
            subject = f"{plan.name}: weekly digest, {week:%d %b %Y}"
            sent += _send_once(Notification.Kind.DIGEST, plan, week, manager.email, subject, body)
    return sent
