import pytest
from django.urls import reverse

from plans.audit import audit_entries
from plans.models import Action, Person

from ..factories import ActionFactory, MilestoneFactory

pytestmark = pytest.mark.django_db


def test_audit_records_create_edit_and_delete_with_who_and_values(client, users):
    client.force_login(users["programme_manager"])
    action = ActionFactory(title="Old title")
    client.post(
        reverse("plans:action_edit", args=[action.pk]),
        {"ref": action.ref, "title": "New title", "theme": action.theme.pk, "action_lead": action.action_lead.pk},
    )
    entries = audit_entries(Action.objects.get(pk=action.pk))
    assert [e.what for e in entries] == ["Changed", "Created"]
    assert entries[0].who == "pm" and ("Title", "Old title", "New title") in [
        (label.capitalize(), old, new) for label, old, new in entries[0].changes
    ]
    person = Person.objects.create(name="Temporary")
    person_id = person.pk
    person.delete()
    assert [h.history_type for h in Person.history.filter(id=person_id).order_by("history_date")] == ["+", "-"]


def test_audit_history_is_shown_to_the_programme_manager_only(client, users, milestone):
    url = reverse("milestones:detail", args=[milestone.pk])
    client.force_login(users["programme_manager"])
    assert "Audit history" in client.get(url).content.decode()
    for role in ("milestone_lead", "scrutiny_member", "performance_officer"):
        client.force_login(users[role])
        assert "Audit history" not in client.get(url).content.decode()


def test_audit_history_is_not_editable_in_the_admin(admin_client):
    milestone = MilestoneFactory()
    record = milestone.history.first()
    # simple-history's admin lets a superuser revert; our admin registers no history admin at all.
    assert admin_client.get(f"/admin/milestones/historicalmilestone/{record.pk}/change/").status_code == 404
