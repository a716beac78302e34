"""A programme manager invites people by email; the link sets up an account; invitations expire,
are resent (voiding the old link) and roles are removed (deactivating someone left with none)."""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from plans import roles
from plans.models import Invitation, Membership
from tests.factories import PlanFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan():
    return PlanFactory()


@pytest.fixture
def manager(plan):
    return UserFactory(username="pm", role=roles.PROGRAMME_MANAGER, role__plan=plan)


def invite(client, manager, plan, email="nadia@nhs.example", role=roles.MILESTONE_LEAD):
    client.force_login(manager)
    with_callbacks = client.post(reverse("plans:member_invite", args=[plan.pk]), {"email": email, "role": role})
    client.logout()
    return with_callbacks


def link_in(message):
    return re.search(r"http://testserver(/invitations/accept/\S+/)", message.body).group(1)


def test_invited_person_sets_up_an_account_and_gets_the_role_in_that_plan_only(
    client, manager, plan, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(client, manager, plan)
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["nadia@nhs.example"]
    link = link_in(mail.outbox[0])
    page = client.get(link)
    assert page.status_code == 200 and plan.name in page.content.decode()
    response = client.post(
        link,
        {"username": "nadia", "password": "a-long-pass-phrase-9", "password_again": "a-long-pass-phrase-9"},
    )
    assert response.status_code == 302
    nadia = get_user_model().objects.get(username="nadia")
    assert nadia.email == "nadia@nhs.example"
    assert roles.plan_roles(nadia, plan) == {roles.MILESTONE_LEAD}
    assert roles.plan_roles(nadia, PlanFactory()) == set()
    # The link is spent.
    assert client.get(link).status_code == 410


def test_a_weak_password_is_refused_with_a_message_and_nothing_is_created(
    client, manager, plan, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invite(client, manager, plan)
    response = client.post(link_in(mail.outbox[0]), {"username": "nadia", "password": "123", "password_again": "123"})
    assert response.status_code == 400
    assert "too short" in response.content.decode()
    assert not get_user_model().objects.filter(username="nadia").exists()


def test_resending_voids_the_earlier_link(client, manager, plan, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invite(client, manager, plan)
    first = link_in(mail.outbox[0])
    with django_capture_on_commit_callbacks(execute=True):
        client.force_login(manager)
        client.post(reverse("plans:invitation_resend", args=[Invitation.objects.get().pk]))
        client.logout()
    second = link_in(mail.outbox[1])
    assert first != second
    assert "newer invitation" in client.get(first).content.decode()
    assert client.get(second).status_code == 200


def test_an_expired_invitation_says_so(client, manager, plan, settings, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invite(client, manager, plan)
    link = link_in(mail.outbox[0])
    settings.INVITATION_DAYS = 0
    import time

    time.sleep(1.1)
    response = client.get(link)
    assert response.status_code == 410 and "expired" in response.content.decode()


def test_a_tampered_link_is_refused(client):
    response = client.get(reverse("plans:invitation_accept", args=["not-a-real-token"]))
    assert response.status_code == 410 and "not valid" in response.content.decode()


def test_someone_with_an_account_accepts_while_signed_in(client, manager, plan, django_capture_on_commit_callbacks):
    existing = UserFactory(username="cllr", email="cllr@council.example")
    with django_capture_on_commit_callbacks(execute=True):
        invite(client, manager, plan, email="cllr@council.example", role=roles.SCRUTINY_MEMBER)
    client.force_login(existing)
    client.post(link_in(mail.outbox[0]))
    assert roles.plan_roles(existing, plan) == {roles.SCRUTINY_MEMBER}


def test_only_the_plans_programme_manager_invites(client, plan):
    other_manager = UserFactory(username="elsewhere", role=roles.PROGRAMME_MANAGER, role__plan=PlanFactory())
    lead = UserFactory(username="lead", role=roles.MILESTONE_LEAD, role__plan=plan)
    assert invite(client, other_manager, plan).status_code == 404
    assert invite(client, lead, plan).status_code == 403
    assert not Invitation.objects.exists()


def test_an_unknown_role_is_a_form_error_not_an_invitation(client, manager, plan):
    response = invite(client, manager, plan, role="Overlord")
    assert response.status_code == 400
    assert not Invitation.objects.exists()


def test_removing_the_last_role_deactivates_the_account(client, manager, plan):
    lead = UserFactory(username="lead", role=roles.MILESTONE_LEAD, role__plan=plan)
    membership = Membership.objects.get(user=lead)
    client.force_login(manager)
    response = client.post(reverse("plans:member_remove", args=[membership.pk]), follow=True)
    assert "deactivated" in response.content.decode()
    lead.refresh_from_db()
    assert not lead.is_active and not Membership.objects.filter(user=lead).exists()


def test_removing_one_of_two_roles_keeps_the_account(client, manager, plan):
    lead = UserFactory(username="lead", role=roles.MILESTONE_LEAD, role__plan=plan)
    Membership.objects.create(user=lead, organisation=plan.owner, plan=PlanFactory(), role=roles.SCRUTINY_MEMBER)
    client.force_login(manager)
    client.post(reverse("plans:member_remove", args=[Membership.objects.get(user=lead, plan=plan).pk]))
    lead.refresh_from_db()
    assert lead.is_active


def test_invitation_expiry_is_shown(client, manager, plan, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invite(client, manager, plan)
    Invitation.objects.update(sent_at=timezone.now() - datetime.timedelta(days=30))
    client.force_login(manager)
    assert "expired" in client.get(reverse("plans:members", args=[plan.pk])).content.decode()
