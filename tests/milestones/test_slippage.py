"""Exception records: re-plans keep the original due date and are all counted and listed."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from milestones.models import Milestone, SlippageRecord
from milestones.querysets import AppendOnlyError
from milestones.services import slippage_record_create

pytestmark = pytest.mark.django_db

OCT31, NOV30, DEC31 = datetime.date(2009, 10, 31), datetime.date(2009, 11, 30), datetime.date(2009, 12, 31)


def test_revised_completion_date_replans_without_touching_the_original(users, milestone):
    pm = users["programme_manager"]
    slippage_record_create(milestone=milestone, author=pm, reason_for_slippage="Funding", revised_completion_date=NOV30)
    slippage_record_create(milestone=milestone, author=pm, reason_for_slippage="Board", revised_completion_date=DEC31)
    slippage_record_create(
        milestone=milestone, author=pm, reason_for_slippage="Same date", revised_completion_date=DEC31
    )
    milestone = Milestone.objects.with_replan_count().get(pk=milestone.pk)
    assert (milestone.due_date, milestone.revised_due_date) == (OCT31, DEC31)
    assert milestone.replan_count == 2  # the third record did not move the date
    records = list(milestone.slippage_records.order_by("created_at", "id"))
    assert [(r.replaced_due_date, r.revised_completion_date, r.replanned) for r in records] == [
        (OCT31, NOV30, True),
        (NOV30, DEC31, True),
        (None, DEC31, False),
    ]


def test_exception_records_are_append_only(users, milestone):
    record = slippage_record_create(milestone=milestone, author=users["milestone_lead"], reason_for_slippage="x")
    record.reason_for_slippage = "quietly rewritten"
    with pytest.raises(AppendOnlyError):
        record.save()
    with pytest.raises(AppendOnlyError):
        SlippageRecord.objects.all().delete()


def test_only_the_leads_or_programme_manager_may_record_an_exception(users, milestone):
    with pytest.raises(PermissionDenied):
        slippage_record_create(milestone=milestone, author=users["other_lead"], reason_for_slippage="x")
    assert not SlippageRecord.objects.exists()


def test_exception_form_requires_a_reason_and_keeps_the_input(client, users, milestone):
    client.force_login(users["milestone_lead"])
    html = client.post(
        reverse("milestones:exception", args=[milestone.pk]),
        {
            "reason_for_slippage": "",
            "actions_to_achieve": "Meet schools in November",
            "revised_completion_date": "2009-11-30",
        },
    ).content.decode()
    assert "Say why the milestone has slipped." in html and "Meet schools in November" in html
    assert not SlippageRecord.objects.exists()


def test_milestone_page_lists_every_replan_with_its_reason(client, users, milestone):
    pm = users["programme_manager"]
    slippage_record_create(
        milestone=milestone, author=pm, reason_for_slippage="Awaiting funding", revised_completion_date=NOV30
    )
    slippage_record_create(
        milestone=milestone, author=pm, reason_for_slippage="Board sign-off", revised_completion_date=DEC31
    )
    client.force_login(users["scrutiny_member"])
    html = client.get(reverse("milestones:detail", args=[milestone.pk])).content.decode()
    assert "Re-planned: due 31 Oct 2009 → 30 Nov 2009" in html and "Awaiting funding" in html
    assert "Re-planned: due 30 Nov 2009 → 31 Dec 2009" in html and "Board sign-off" in html
    assert "re-planned 2 times" in html
