"""Query counts of the pages and API lists that tests/api/test_scale.py does not cover (the exception and
milestone reports, snapshot rows, indicators, progress updates, a lead's API read) do not depend on the
number of organisations and plans: the same requests, as one organisation's people, with 1 plan and with 4."""

import datetime
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from plans.models import Plan
from reports.snapshots import snapshot_create

from ..api.conftest import query_counts, token_client
from ..factories import IndicatorFactory

pytestmark = pytest.mark.django_db

User = get_user_model()


def generate(n):
    call_command("generate_organisations", organisations=n, milestones_per_plan=40, stdout=io.StringIO())
    for plan in Plan.objects.filter(indicators__isnull=True, snapshots__isnull=True):
        for _ in range(3):
            IndicatorFactory(plan=plan, section__plan=plan)
        snapshot_create(plan=plan, period=datetime.date(2009, 10, 1), kind="monthly")


def counts(plan):
    slug = plan.owner.name.lower().replace(" ", "-")
    manager = Client()
    manager.force_login(User.objects.get(username=f"{slug}-pm"))
    api = token_client(User.objects.get(username=f"{slug}-pm"))
    lead_api = token_client(User.objects.get(username=f"{slug}-lead"))
    snapshot = plan.snapshots.get()
    requests = {
        "exception report": (manager, f"/plans/{plan.pk}/reports/exceptions/"),
        "milestone report": (manager, f"/plans/{plan.pk}/reports/milestones/"),
        "API milestones, lead": (lead_api, "/api/v1/milestones/"),
        "API snapshot rows": (api, f"/api/v1/milestones/?snapshot={snapshot.pk}"),
        "API indicators": (api, "/api/v1/indicators/"),
        "API progress updates": (api, "/api/v1/progress-updates/"),
    }
    return query_counts(requests)


def test_report_and_api_query_counts_do_not_grow_with_the_number_of_plans(plan_today):
    generate(1)
    plan = Plan.objects.get(owner__name="Generated council 1")
    alone = counts(plan)
    generate(3)
    assert Plan.objects.count() == 4
    assert counts(plan) == alone, alone
