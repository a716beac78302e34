"""Each list endpoint runs a fixed number of queries, whatever the number of rows and plans."""

import datetime
import itertools

import pytest

from indicators.models import IndicatorValue, IndicatorYear
from milestones.models import ProgressUpdate, SlippageRecord
from plans import roles
from reports.snapshots import snapshot_create
from tests.factories import (
    ActionFactory,
    IndicatorFactory,
    MilestoneFactory,
    PersonFactory,
    PlanFactory,
    UserFactory,
)

from .conftest import token_client

pytestmark = pytest.mark.django_db

# Queries for one request, at most: the request's savepoint and its release (ATOMIC_REQUESTS),
# the token with its user, recording its last use (at most once a minute), the memberships,
# the rows (one query, annotations included), and each endpoint's prefetches.
LIST_QUERIES = {
    "organisations": 6,
    "plans": 6,
    "themes": 6,
    "actions": 6,
    "milestones": 7,  # with ?plan=: the plan's action ids are read first (api.filters.MilestoneFilter)
    "progress-updates": 7,
    "exceptions": 6,
    "indicators": 9,
    "indicator-values": 6,
    "snapshots": 6,
}
SNAPSHOT_QUERIES = {"milestones": 7, "indicators": 7, "milestones-filtered": 7}


def build_plan(name, milestones, indicators=10):
    plan = PlanFactory(name=name)
    leads = [PersonFactory(name=f"{name} lead {n}") for n in range(5)]
    lead = itertools.cycle(leads)
    per_action = 10
    created = []
    for a in range(milestones // per_action):
        action = ActionFactory(plan=plan, ref=f"{a + 1}.01", action_lead=next(lead))
        for _ in range(per_action):
            created.append(MilestoneFactory(action=action, lead=next(lead)))
    ProgressUpdate.objects.bulk_create(
        ProgressUpdate(
            milestone=m,
            reporting_month=datetime.date(2009, month, 1),
            status="on_track" if month == 9 else "not_on_track",
            note=f"note {month}",
        )
        for m in created
        for month in (9, 10)
    )
    SlippageRecord.objects.bulk_create(SlippageRecord(milestone=m, reason_for_slippage="late") for m in created[::4])
    for i in range(indicators):
        indicator = IndicatorFactory(plan=plan)
        IndicatorYear.objects.create(indicator=indicator, year=2009, target=50)
        IndicatorValue.objects.bulk_create(
            IndicatorValue(indicator=indicator, period=datetime.date(2008 + (m >= 13), (m - 1) % 12 + 1, 1), value=i)
            for m in range(4, 22)
        )
    return plan


@pytest.fixture
def big(plan_today):
    big_plan = build_plan("Big plan", 200)
    others = [build_plan(f"Other plan {n}", 60, indicators=4) for n in range(3)]
    snapshot = snapshot_create(plan=big_plan, period=datetime.date(2009, 10, 1), kind="monthly")
    for plan in others:
        snapshot_create(plan=plan, period=datetime.date(2009, 10, 1), kind="monthly")
    manager = UserFactory(username="orgwide", role=roles.PROGRAMME_MANAGER)  # every plan of the council
    return {"plan": big_plan, "snapshot": snapshot, "client": token_client(manager)}


@pytest.mark.parametrize("name", LIST_QUERIES)
@pytest.mark.parametrize("scope", ["one plan", "every plan"])
def test_list_queries_are_bounded(big, name, scope, django_assert_max_num_queries):
    client = big["client"]
    plan = f"&plan={big['plan'].pk}" if scope == "one plan" else ""
    for fmt in ("json", "csv"):
        with django_assert_max_num_queries(LIST_QUERIES[name]):
            response = client.get(f"/api/v1/{name}/?page_size=500&format={fmt}{plan}")
        assert response.status_code == 200
    if name == "milestones":
        assert len(client.get(f"/api/v1/milestones/?page_size=500{plan}").json()["results"]) == (200 if plan else 380)
        with django_assert_max_num_queries(LIST_QUERIES[name]):
            response = client.get(
                f"/api/v1/milestones/?page_size=500&as_at=2009-09&overdue=false&status=on_track{plan}"
            )
        assert len(response.json()["results"]) == (200 if plan else 380)


def test_snapshot_reads_are_bounded(big, django_assert_max_num_queries):
    client, snapshot = big["client"], big["snapshot"]
    urls = {
        "milestones": f"/api/v1/snapshots/{snapshot.pk}/milestones/?page_size=500",
        "indicators": f"/api/v1/snapshots/{snapshot.pk}/indicators/?page_size=500",
        "milestones-filtered": f"/api/v1/milestones/?snapshot={snapshot.pk}&status=not_on_track&page_size=500",
    }
    for name, url in urls.items():
        for fmt in ("json", "csv"):
            with django_assert_max_num_queries(SNAPSHOT_QUERIES[name]):
                response = client.get(f"{url}&format={fmt}")
            assert response.status_code == 200
    assert len(client.get(urls["milestones-filtered"]).json()["results"]) == 200
