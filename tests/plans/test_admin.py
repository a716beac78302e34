"""The admin shows domain records but never changes them; memberships go through their service."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from plans import roles
from plans.models import Membership
from tests.factories import PlanFactory, UserFactory, default_organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(get_user_model().objects.create_superuser("root", "root@example.org", "pw"))
    return client


def test_domain_records_cannot_be_added_or_changed_in_the_admin(admin_client, milestone):
    for url in (
        reverse("admin:plans_action_change", args=[milestone.action_id]),
        reverse("admin:milestones_milestone_change", args=[milestone.pk]),
    ):
        page = admin_client.get(url).content.decode()
        assert 'name="_save"' not in page
    assert admin_client.get(reverse("admin:plans_action_add")).status_code == 403
    assert admin_client.post(reverse("admin:plans_person_add"), {"name": "x"}).status_code == 403


def test_an_organisation_wide_role_is_given_in_the_admin(admin_client):
    user = UserFactory(username="newpm")
    organisation = default_organisation()
    response = admin_client.post(
        reverse("admin:plans_membership_add"),
        {"user": user.pk, "organisation": organisation.pk, "plan": "", "role": roles.PROGRAMME_MANAGER},
    )
    assert response.status_code == 302
    assert roles.PROGRAMME_MANAGER in roles.plan_roles(user, PlanFactory())


def test_an_unknown_role_is_refused_by_the_database():
    from django.db import IntegrityError, transaction

    user = UserFactory(username="x")
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=user, organisation=default_organisation(), role="Overlord")
