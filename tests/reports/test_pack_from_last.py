"""A new committee pack can start from the last one: its fields (but the meeting date and month)
and a copy of its cover sections."""

import datetime

import pytest
from django.urls import reverse

from reports.models import CommitteePack, PackSection
from tests.factories import PlanFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def last_pack(users):
    plan = PlanFactory()
    pack = CommitteePack.objects.create(
        plan=plan,
        meeting="Overview & Scrutiny",
        meeting_date=datetime.date(2009, 12, 3),
        report_title="Safeguarding Plan progress",
        report_of="Director of Children's Services",
        as_at=datetime.date(2009, 10, 1),
        purpose="To update the committee.",
        appendices=["milestones", "exceptions"],
    )
    PackSection.objects.create(pack=pack, heading="Background", body="Since the JAR…", order=1)
    return pack


def test_the_form_starts_from_the_last_pack_and_the_copy_keeps_its_sections(client, users, last_pack):
    client.force_login(users["programme_manager"])
    url = reverse("reports:pack_create", args=[last_pack.plan_id]) + f"?from={last_pack.pk}"
    form = client.get(url)
    assert form.status_code == 200
    assert form.context["form"].initial["report_title"] == "Safeguarding Plan progress"
    assert "meeting_date" not in form.context["form"].initial
    data = {
        "meeting": "Overview & Scrutiny",
        "meeting_date": "2010-03-04",
        "report_title": "Safeguarding Plan progress",
        "report_of": "Director of Children's Services",
        "as_at": "2010-01",
        "purpose": "To update the committee.",
        "appendices": ["milestones", "exceptions"],
        "wards_affected": "All",
        "report_for": "Non Key Decision",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    new = CommitteePack.objects.exclude(pk=last_pack.pk).get()
    assert new.meeting_date == datetime.date(2010, 3, 4)
    assert list(new.sections.values_list("heading", "body")) == [("Background", "Since the JAR…")]
    assert last_pack.sections.count() == 1  # the source keeps its own


def test_a_pack_of_another_plan_is_not_a_starting_point(client, users, last_pack):
    client.force_login(users["programme_manager"])
    other_plan = PlanFactory()
    form = client.get(reverse("reports:pack_create", args=[other_plan.pk]) + f"?from={last_pack.pk}")
    assert "report_title" not in form.context["form"].initial
    assert client.get(reverse("reports:pack_create", args=[other_plan.pk]) + "?from=x²").status_code == 200
