"""The live pages read each milestone's stored current state: no subquery over its progress updates.

Before, every live read ran 6–8 correlated subqueries on milestones_progressupdate per milestone row.
Now the plan page, My milestones, the exception report and the API's milestone list read the milestone's
own reported_* columns; only an earlier month (as_at) or a snapshot still works it out from the updates.
"""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from milestones.generated import generated_plan_create
from milestones.models import Milestone

from ..api.conftest import token_client

pytestmark = pytest.mark.django_db

UPDATES_TABLE = "milestones_progressupdate"


@pytest.fixture
def plan(users, plan_today):
    return generated_plan_create(milestones=200, lead_users=[users["milestone_lead"]])


def milestone_queries(client, url):
    """The SQL of the request's queries that read milestones."""
    assert client.get(url).status_code == 200  # once first: sessions, caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    sql = [q["sql"] for q in queries.captured_queries if '"milestones_milestone"' in q["sql"]]
    assert sql, f"{url} read no milestones"
    return sql


def reads_updates_per_milestone(sql):
    """A subquery over the updates table inside a query on milestones."""
    return re.search(r"\(\s*SELECT[^()]*FROM\s+\"" + UPDATES_TABLE, sql, re.IGNORECASE) is not None


@pytest.mark.parametrize(
    "who, url",
    [
        ("programme_manager", "/plans/{plan}/"),
        ("programme_manager", "/plans/{plan}/?status=not_on_track&overdue=true"),
        ("milestone_lead", "/plans/{plan}/"),
        ("milestone_lead", "/my-milestones/"),
        ("programme_manager", "/plans/{plan}/reports/exceptions/"),
        ("programme_manager", "/plans/{plan}/reports/milestones/"),
        ("programme_manager", "/plans/{plan}/dashboard/"),
    ],
)
def test_live_pages_run_no_subquery_over_progress_updates(client, users, plan, who, url):
    client.force_login(users[who])
    for sql in milestone_queries(client, url.format(plan=plan.pk)):
        assert not reads_updates_per_milestone(sql), sql


@pytest.mark.parametrize("url", ["/api/v1/milestones/", "/api/v1/milestones/?plan={plan}&as_at=2009-11"])
def test_the_api_milestone_list_runs_no_subquery_over_progress_updates(users, plan, url):
    api = token_client(users["programme_manager"])
    for sql in milestone_queries(api, url.format(plan=plan.pk)):
        assert not reads_updates_per_milestone(sql), sql


def test_an_earlier_month_still_works_it_out_from_the_updates(users, plan):
    """The detector is not blind: as at October the status is computed from the updates."""
    api = token_client(users["programme_manager"])
    sql = milestone_queries(api, f"/api/v1/milestones/?plan={plan.pk}&as_at=2009-10")
    assert any(reads_updates_per_milestone(s) for s in sql)


def test_the_page_counts_agree_with_the_stored_state(client, users, plan):
    """The plan page's totals come from the stored status: the generator's cycle of statuses."""
    client.force_login(users["programme_manager"])
    page = client.get(f"/plans/{plan.pk}/").context["page"]
    stored = Milestone.objects.filter(action__plan=plan)
    assert page.milestone_count == 200
    assert page.status_counts["achieved"] == stored.filter(reported_status="achieved").count() == 50
    assert page.status_counts["not_started"] == 50  # the milestones with no update
    assert stored.filter(reported_month=datetime.date(2009, 10, 1)).count() == 150
