"""Validation messages, and that what the user typed is kept when a form is refused."""

import datetime
import re

import pytest
from django.urls import reverse

from milestones.models import Milestone, ProgressUpdate
from plans.models import Action, Person

from ..factories import ActionFactory, ProgressUpdateFactory

pytestmark = pytest.mark.django_db


def post_update(client, milestone, **data):
    return client.post(reverse("milestones:update", args=[milestone.pk]), data)


def test_update_form_defaults_to_the_month_being_reported(client, users, milestone, plan_today):
    # 4 November 2009: October's updates are due by 6 November, so October is the month reported.
    client.force_login(users["milestone_lead"])
    response = client.get(reverse("milestones:update", args=[milestone.pk]))
    assert '<option value="2009-10-01" selected>October 2009</option>' in response.content.decode()


def test_not_on_track_without_a_note_is_refused_with_a_message(client, users, milestone, plan_today):
    client.force_login(users["milestone_lead"])
    response = post_update(client, milestone, reporting_month="2009-10", status="not_on_track", note="")
    assert response.status_code == 200
    assert "Say why the milestone is not on track" in response.content.decode()
    assert not ProgressUpdate.objects.exists()


def test_future_month_is_refused_and_the_note_is_kept(client, users, milestone, plan_today):
    client.force_login(users["milestone_lead"])
    note = "Dec 2009 - Meeting with schools set for mid-December & <b>launch</b>"
    response = post_update(client, milestone, reporting_month="2010-01", status="on_track", note=note)
    html = response.content.decode()
    assert "Jan 2010 is in the future" in html
    assert "Dec 2009 - Meeting with schools set for mid-December &amp; &lt;b&gt;launch&lt;/b&gt;" in html
    assert "2010-01-01" not in html  # a select offers only open months; the refused one is not kept
    assert not ProgressUpdate.objects.exists()


def test_unreadable_month_gets_a_clear_message(client, users, milestone, plan_today):
    client.force_login(users["milestone_lead"])
    response = post_update(client, milestone, reporting_month="last month", status="on_track", note="x")
    assert "Enter a month such as 2009-10 or Oct 2009." in response.content.decode()


def test_a_good_update_is_saved_with_its_author_and_shown_in_history(client, users, milestone, plan_today):
    client.force_login(users["milestone_lead"])
    response = post_update(
        client, milestone, reporting_month="Oct 2009", status="achieved", note="Oct 2009 - Achieved."
    )
    assert response.status_code == 302
    update = ProgressUpdate.objects.get()
    assert (update.reporting_month, update.status, update.author) == (
        datetime.date(2009, 10, 1),
        "achieved",
        users["milestone_lead"],
    )
    page = client.get(response.url).content.decode()
    assert "Oct 2009 - Achieved." in page and "Achieved" in page


def test_duplicate_action_ref_in_a_plan_is_refused(client, users, milestone):
    client.force_login(users["programme_manager"])
    action = milestone.action
    response = client.post(
        reverse("plans:action_create", args=[action.plan.pk]),
        {
            "ref": f" {action.ref} ",
            "title": "Typed title kept",
            "theme": action.theme.pk,
            "action_lead": milestone.lead.pk,
        },
    )
    html = response.content.decode()
    assert f"Ref {action.ref} is already used in this plan" in html
    assert "Typed title kept" in html
    assert Action.objects.count() == 1


def test_lead_without_a_name_is_refused(client, users):
    client.force_login(users["programme_manager"])
    response = client.post(
        reverse("plans:person_create"), {"name": "  ", "job_title": "Head of Service", "agency": "NHS"}
    )
    html = response.content.decode()
    assert "Give the lead&#x27;s name." in html or "Give the lead's name." in html
    assert "Head of Service" in html
    assert not Person.objects.filter(job_title="Head of Service").exists()


def test_milestone_due_before_planned_start_is_refused(client, users, milestone):
    client.force_login(users["programme_manager"])
    response = client.post(
        reverse("milestones:create", args=[milestone.action.pk]),
        {
            "description": "Strategy published",
            "planned_start": "2009-12-01",
            "due_date": "2009-11-30",
            "lead": milestone.lead.pk,
            "order": 2,
        },
    )
    html = response.content.decode()
    assert "The due date is before the planned start date." in html
    assert "Strategy published" in html
    assert Milestone.objects.count() == 1


def test_editing_a_milestone_cannot_change_the_original_due_date(client, users, milestone):
    client.force_login(users["programme_manager"])
    response = client.post(
        reverse("milestones:edit", args=[milestone.pk]),
        {
            "description": milestone.description,
            "due_date": "2010-06-30",
            "revised_due_date": "2009-12-31",  # not a field of the edit form: re-plans go through exceptions
            "lead": milestone.lead.pk,
            "order": 1,
        },
    )
    assert response.status_code == 302
    milestone.refresh_from_db()
    assert milestone.due_date == datetime.date(2009, 10, 31)
    assert milestone.revised_due_date is None


def test_theme_must_belong_to_the_plan_in_action_form(client, users, milestone):
    client.force_login(users["programme_manager"])
    other = ActionFactory()  # another plan and theme
    response = client.post(
        reverse("plans:action_create", args=[milestone.action.plan.pk]),
        {"ref": "5.01", "title": "x", "theme": other.theme.pk, "action_lead": milestone.lead.pk},
    )
    assert "Select a valid choice" in response.content.decode()


def test_update_form_starts_from_the_current_status(client, users, milestone, plan_today):
    ProgressUpdateFactory(milestone=milestone, status="on_track")
    client.force_login(users["milestone_lead"])
    response = client.get(reverse("milestones:update", args=[milestone.pk]))
    assert response.context["form"].initial["status"] == "on_track"
    assert re.search(r'<input[^>]*value="on_track"[^>]*checked', response.content.decode())


def test_milestones_are_written_through_their_service_with_the_plan_checked(users, milestone):
    from django.core.exceptions import PermissionDenied, ValidationError

    from milestones import services
    from plans import roles
    from plans.models import Organisation
    from tests.factories import PersonFactory, PlanFactory, UserFactory

    elsewhere = PlanFactory(owner=Organisation.objects.create(name="Elsewhere Council"))
    stranger_manager = UserFactory(username="elsewhere-pm", role=roles.PROGRAMME_MANAGER, role__plan=elsewhere)
    with pytest.raises(PermissionDenied):
        services.milestone_create(
            actor=stranger_manager,
            action=milestone.action,
            description="x",
            due_date=milestone.due_date,
            lead=milestone.lead,
        )
    # A lead from another council's list is refused.
    outsider = PersonFactory(owner=elsewhere.owner, name="Outsider")
    with pytest.raises(ValidationError, match="Choose a lead from this plan"):
        services.milestone_update(actor=users["programme_manager"], milestone=milestone, lead=outsider)
    # The original due date never changes.
    with pytest.raises(ValidationError, match="original due date"):
        services.milestone_update(
            actor=users["programme_manager"], milestone=milestone, due_date=milestone.due_date.replace(day=1)
        )
