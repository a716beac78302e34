"""Fuzzing against the schema: Schemathesis sends generated requests (valid and invalid) to every operation
of the OpenAPI schema, in-process through the WSGI application, as a member of a small plan, and checks
that no response is a 5xx, that every status is one the schema declares, and that every body matches
the schema. Bounded and deterministic: a fixed number of examples per operation, derandomized."""

import datetime

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.models import ApiToken
from milestones.models import SlippageRecord
from milestones.status import Status
from plans import roles
from reports.snapshots import snapshot_create
from safeguarding.wsgi import application
from tests.factories import (
    ActionFactory,
    IndicatorFactory,
    IndicatorValueFactory,
    IndicatorYearFactory,
    MilestoneFactory,
    PersonFactory,
    PlanFactory,
    ProgressUpdateFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

EXAMPLES = 25
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]

# The schema as /api/schema/ serves it (the same generator), built in-process: no request needed to load it.
schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
schema.app = application


@pytest.fixture
def key(db, settings, plan_today):
    """A small plan (two actions, three milestones, progress, an exception, an indicator with figures and a
    target, a snapshot) and a token of its programme manager, who is also the lead of two milestones and
    may write progress updates and figures."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api_read": "100000/minute", "api_write": "100000/minute"},
    }
    plan = PlanFactory(name="Fuzz plan")
    user = UserFactory(username="fuzz-pm", role=roles.PROGRAMME_MANAGER, role__plan=plan)
    lead = PersonFactory(name="Fuzz lead", user=user)
    other = PersonFactory(name="Other lead", agency="NHS")
    first = ActionFactory(plan=plan, ref="1.01", theme__name="Leadership", action_lead=lead)
    second = ActionFactory(plan=plan, ref="2.01", theme__name="Practice", action_lead=other)
    mine = MilestoneFactory(action=first, lead=lead, due_date=datetime.date(2009, 10, 31))
    MilestoneFactory(action=first, lead=lead, due_date=datetime.date(2009, 9, 30))
    MilestoneFactory(action=second, lead=other, due_date=datetime.date(2010, 3, 31))
    ProgressUpdateFactory(milestone=mine, reporting_month=datetime.date(2009, 9, 1), status=Status.ON_TRACK)
    ProgressUpdateFactory(
        milestone=mine, reporting_month=datetime.date(2009, 10, 1), status=Status.NOT_ON_TRACK, note="Late"
    )
    SlippageRecord.objects.create(milestone=mine, reason_for_slippage="Recruitment freeze")
    indicator = IndicatorFactory(plan=plan, code="NI 59", ytd_method="latest")
    IndicatorYearFactory(indicator=indicator, year=2009, target=60, tolerance=5)
    IndicatorValueFactory(indicator=indicator, period=datetime.date(2009, 8, 1), value=50)
    IndicatorValueFactory(indicator=indicator, period=datetime.date(2009, 9, 1), value=58)
    snapshot_create(plan=plan, period=datetime.date(2009, 10, 1), kind="monthly")
    _, key = ApiToken.issue(user, "fuzz")
    return key


@pytest.fixture
def ids(key):
    """The ids of the fuzz plan's rows, by list: generated ids are steered onto them half of the time, so the
    detail views and the writes are reached with rows that exist, not only 404s."""
    from indicators.models import Indicator, IndicatorValue
    from milestones.models import Milestone, ProgressUpdate
    from plans.models import Action, Organisation, Plan, Theme
    from reports.models import Snapshot

    models = {
        "organisations": Organisation,
        "plans": Plan,
        "themes": Theme,
        "actions": Action,
        "milestones": Milestone,
        "progress-updates": ProgressUpdate,
        "exceptions": SlippageRecord,
        "indicators": Indicator,
        "indicator-values": IndicatorValue,
        "snapshots": Snapshot,
    }
    return {name: sorted(model.objects.values_list("pk", flat=True)) for name, model in models.items()}


def steer(value, rows):
    """An even generated integer becomes one of `rows`' ids; anything else is sent as generated."""
    if isinstance(value, int) and not isinstance(value, bool) and value % 2 == 0 and rows:
        return rows[(value // 2) % len(rows)]
    return value


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """The WSGI handler closes "old" connections at each request's start and end; inside the test's
    transaction that would drop it. Django's test client disconnects the same receivers."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_the_api_keeps_to_its_schema(case, key, ids):
    if case.path_parameters and "id" in case.path_parameters:
        case.path_parameters["id"] = steer(case.path_parameters["id"], ids[case.path.split("/")[3]])
    if isinstance(case.body, dict):
        for field, rows in (("milestone", "milestones"), ("indicator", "indicators")):
            if field in case.body:
                case.body[field] = steer(case.body[field], ids[rows])
    case.call_and_validate(headers={"Authorization": f"Bearer {key}"}, checks=CHECKS)


# What the fuzzing found, pinned as plain tests.


def test_an_error_is_json_even_when_csv_was_asked_for(key):
    client = Client(headers={"Authorization": f"Bearer {key}"})
    response = client.get("/api/v1/actions/?theme=x&format=csv")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"theme": ["Enter a whole number."]}
    assert "Content-Disposition" not in response
    missing = client.get("/api/v1/actions/999999/", HTTP_ACCEPT="text/csv")
    assert missing.status_code == 404
    assert missing["Content-Type"] == "application/json"


def test_an_address_outside_the_router_is_a_json_404(key):
    client = Client(headers={"Authorization": f"Bearer {key}"})
    for method in (client.get, client.put):
        response = method("/api/v1/milestones/0.5/")
        assert response.status_code == 404
        assert response.json() == {"detail": "Not found."}


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/themes/?plan=738995708922759900823552",
        "/api/v1/actions/?theme=-1166689436396434290114560",
        "/api/v1/milestones/?lead=99999999999999999999",
        "/api/v1/milestones/?snapshot=99999999999999999999",
        "/api/v1/milestones/?snapshot=%C2%B2",
        "/api/v1/milestones/99999999999999999999/",
    ],
)
def test_an_id_too_large_for_the_database_is_refused_not_a_server_error(key, url):
    response = Client(headers={"Authorization": f"Bearer {key}"}).get(url)
    assert response.status_code in (400, 404)
    assert response["Content-Type"] == "application/json"


def test_a_write_naming_an_id_too_large_is_refused(key):
    client = Client(headers={"Authorization": f"Bearer {key}"})
    body = {"milestone": 2**70, "reporting_month": "2009-10", "status": "on_track"}
    response = client.post("/api/v1/progress-updates/", body, content_type="application/json")
    assert response.status_code == 400
    assert "milestone" in response.json()


def test_updated_since_with_an_offset_postgresql_refuses_is_compared_in_utc(client):
    """Found by the fuzzing on PostgreSQL: '+17:01' is valid ISO 8601 but not a PostgreSQL offset."""
    from django.contrib.auth import get_user_model

    from plans import roles
    from tests.factories import PlanFactory, UserFactory

    plan = PlanFactory()
    user = UserFactory(username="tz-reader", role=roles.SCRUTINY_MEMBER, role__plan=plan)
    client.force_login(user)
    response = client.get("/api/v1/indicator-values/", {"updated_since": "5120-08-18T15:29:52.810000+17:01"})
    assert response.status_code == 200
    response = client.get("/api/v1/progress-updates/", {"updated_since": "0001-01-01T00:00:00+14:00"})
    assert response.status_code == 400
    assert get_user_model().objects.filter(username="tz-reader").exists()
