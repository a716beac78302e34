"""Who gets a reminder, an escalation or the digest, and that nothing is sent twice."""

import datetime

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command

from milestones.models import Notification
from milestones.reminders import digest_send, reminders_send
from plans.models import LockedMonth

from ..factories import ActionFactory, MilestoneFactory, PersonFactory, ProgressUpdateFactory

pytestmark = pytest.mark.django_db

OCT = datetime.date(2009, 10, 1)
# October 2009 ended on a Saturday: with deadline working day 5 its updates are due Friday 6 November.
REMINDER_DAY, DEADLINE, ESCALATION_DAY = (
    datetime.date(2009, 11, 3),
    datetime.date(2009, 11, 6),
    datetime.date(2009, 11, 9),
)


@pytest.fixture
def world(db):
    action_lead = PersonFactory(name="Eleanor Brazil", email="eleanor@example.org")
    action = ActionFactory(action_lead=action_lead, ref="1.06")
    lead = PersonFactory(name="Mark Gurrey", email="mark@example.org")
    missing = MilestoneFactory(
        action=action, lead=lead, description="Thresholds communicated", due_date=datetime.date(2009, 12, 31)
    )
    updated_lead = PersonFactory(name="Sarah Peel", email="sarah@example.org")
    updated = MilestoneFactory(action=action, lead=updated_lead, due_date=datetime.date(2009, 12, 31))
    ProgressUpdateFactory(milestone=updated, reporting_month=OCT)
    achieved_lead = PersonFactory(name="Julie Quinn", email="julie@example.org")
    ProgressUpdateFactory(
        milestone=MilestoneFactory(action=action, lead=achieved_lead),
        reporting_month=datetime.date(2009, 9, 1),
        status="achieved",
    )
    future_lead = PersonFactory(name="Jan Doust", email="jan@example.org")
    MilestoneFactory(
        action=action, lead=future_lead, planned_start=datetime.date(2010, 1, 1), due_date=datetime.date(2010, 3, 31)
    )
    no_email = PersonFactory(name="DD C&F", email="")
    MilestoneFactory(action=action, lead=no_email, due_date=datetime.date(2009, 12, 31))
    return {"plan": action.plan, "missing": missing}


def recipients():
    return sorted(address for message in mail.outbox for address in message.to)


def test_reminder_goes_only_to_leads_missing_the_months_update(world):
    run = reminders_send(REMINDER_DAY)
    assert recipients() == ["mark@example.org"]  # not Sarah (updated), Julie (achieved), Jan (not started yet)
    assert run.no_email == ["DD C&F"]
    message = mail.outbox[0]
    assert "Oct 2009 progress updates" in message.subject and "due by Friday 06 November 2009" in message.body
    assert "1.06  Thresholds communicated" in message.body and message.cc == []


def test_no_reminder_outside_the_window_or_for_a_locked_month(world):
    assert reminders_send(datetime.date(2009, 11, 1)).sent == 0  # 5 days before the deadline: too early
    assert reminders_send(datetime.date(2009, 11, 7)).sent == 0  # after the deadline, before escalation
    LockedMonth.objects.create(plan=world["plan"], month=OCT, reason="its snapshot was taken.")
    assert reminders_send(REMINDER_DAY).sent == 0
    assert mail.outbox == []


def test_running_twice_sends_once(world):
    assert reminders_send(REMINDER_DAY).sent == 1
    second = reminders_send(datetime.date(2009, 11, 4))
    assert (second.sent, second.already_sent) == (0, 1)
    assert len(mail.outbox) == 1 and Notification.objects.count() == 1


def test_escalation_copies_the_action_lead(world):
    reminders_send(REMINDER_DAY)
    mail.outbox.clear()
    reminders_send(ESCALATION_DAY)
    assert recipients() == ["mark@example.org"]
    message = mail.outbox[0]
    assert message.cc == ["eleanor@example.org"] and "(overdue)" in message.subject
    assert "have not been received" in message.body
    reminders_send(datetime.date(2009, 11, 10))
    assert len(mail.outbox) == 1  # escalated once


def test_an_update_before_escalation_stops_it(world):
    ProgressUpdateFactory(milestone=world["missing"], reporting_month=OCT)
    reminders_send(ESCALATION_DAY)
    assert "mark@example.org" not in recipients()


def test_weekly_digest_to_programme_managers(world, users):
    users["programme_manager"].email = "pm@example.org"
    users["programme_manager"].save()
    assert digest_send(ESCALATION_DAY) == 1
    assert digest_send(ESCALATION_DAY + datetime.timedelta(days=2)) == 0  # same week
    message = mail.outbox[0]
    assert message.to == ["pm@example.org"]
    assert "Overdue Oct 2009 updates: 2" in message.body and "Thresholds communicated (Mark Gurrey)" in message.body


def test_send_reminders_command(world, settings, capsys):
    settings.PLAN_TODAY = REMINDER_DAY
    call_command("send_reminders", "--digest")
    out = capsys.readouterr().out
    assert "Sent 1 reminders" in out and "No email address for: DD C&F" in out


def test_beat_schedule_has_reminders_and_digest():
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert schedule["lead-reminders"]["task"] == "milestones.tasks.reminders_send"
    assert schedule["weekly-digest"]["task"] == "milestones.tasks.digest_send"
    assert schedule["weekly-digest"]["schedule"].day_of_week == {1}
