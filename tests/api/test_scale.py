"""The scale generator (manage.py generate_organisations), and query counts that do not grow with the number
of organisations and plans: one organisation's people run the same queries with 1 organisation or 3."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client

from milestones.models import Milestone
from plans.models import Membership, Organisation, Plan

from .conftest import query_counts, token_client

pytestmark = pytest.mark.django_db

User = get_user_model()
MILESTONES = 40


def generate(n):
    out = io.StringIO()
    call_command("generate_organisations", organisations=n, milestones_per_plan=MILESTONES, stdout=out)
    return out.getvalue()


def test_the_generator_builds_organisations_plans_leads_and_memberships():
    assert "2 organisations × 40 milestones" in generate(2)
    orgs = Organisation.objects.filter(name__startswith="Generated council ").order_by("pk")
    assert [o.name for o in orgs] == ["Generated council 1", "Generated council 2"]
    for org in orgs:
        plan = Plan.objects.get(owner=org)
        assert Milestone.objects.filter(action__plan=plan).count() == MILESTONES
        slug = org.name.lower().replace(" ", "-")
        pm, lead = User.objects.get(username=f"{slug}-pm"), User.objects.get(username=f"{slug}-lead")
        assert Membership.objects.filter(user=pm, organisation=org, plan=None).exists()
        assert Membership.objects.filter(user=lead, organisation=org, plan=plan).exists()
        assert Milestone.objects.filter(action__plan=plan, lead__user=lead).exists()
        assert not pm.has_usable_password()
    generate(1)  # more: numbered on
    assert Organisation.objects.filter(name="Generated council 3").exists()
    with pytest.raises(CommandError):
        call_command("generate_organisations", organisations=0, stdout=io.StringIO())


def counts(plan):
    """Queries for each page and API list, as one organisation's manager and lead (each request made once
    before it is counted, so once-a-minute bookkeeping such as a token's last use is out of the count)."""
    slug = plan.owner.name.lower().replace(" ", "-")
    manager, lead = Client(), Client()
    manager.force_login(User.objects.get(username=f"{slug}-pm"))
    lead.force_login(User.objects.get(username=f"{slug}-lead"))
    api = token_client(User.objects.get(username=f"{slug}-pm"))
    requests = {
        "plan page": (manager, f"/plans/{plan.pk}/"),
        "plan page (lead)": (lead, f"/plans/{plan.pk}/"),
        "dashboard": (manager, f"/plans/{plan.pk}/dashboard/"),
        "my milestones": (lead, "/my-milestones/"),
        "API milestones": (api, "/api/v1/milestones/"),
        "API milestones of the plan": (api, f"/api/v1/milestones/?plan={plan.pk}"),
    }
    return query_counts(requests)


def test_query_counts_do_not_grow_with_the_number_of_organisations(plan_today):
    generate(1)
    plan = Plan.objects.get(owner__name="Generated council 1")
    alone = counts(plan)
    generate(2)
    assert Plan.objects.count() == 3
    assert counts(plan) == alone, alone
