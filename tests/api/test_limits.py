"""Per-token rate limits (DRF throttling in the Django cache)."""

import json

import pytest
from rest_framework.settings import api_settings

from api.models import ApiToken

from .conftest import token_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def tiny_rates(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api_read": "3/minute", "api_write": "1/minute"},
    }
    assert api_settings.DEFAULT_THROTTLE_RATES["api_read"] == "3/minute"


def test_reads_are_limited_per_token(users, tiny_rates):
    client = token_client(users["scrutiny_member"])
    assert [client.get("/api/v1/plans/").status_code for _ in range(3)] == [200, 200, 200]
    limited = client.get("/api/v1/plans/")
    assert limited.status_code == 429
    assert "throttled" in limited.json()["detail"].lower() and int(limited["Retry-After"]) > 0
    # A second token of the same person has its own allowance.
    assert token_client(users["scrutiny_member"], "second").get("/api/v1/plans/").status_code == 200


def test_writes_have_their_own_smaller_limit(users, plan_data, tiny_rates):
    client = token_client(users["milestone_lead"])
    body = {"milestone": plan_data["mine"].pk, "status": "achieved", "note": "Done"}
    first = client.post("/api/v1/progress-updates/", json.dumps(body), content_type="application/json")
    assert first.status_code == 201
    second = client.post("/api/v1/progress-updates/", json.dumps(body), content_type="application/json")
    assert second.status_code == 429
    assert client.get("/api/v1/plans/").status_code == 200  # reads are counted apart


def test_an_unauthenticated_request_is_refused_before_counting(db, tiny_rates):
    from django.test import Client

    assert [Client().get("/api/v1/plans/").status_code for _ in range(5)] == [401] * 5
    assert not ApiToken.objects.exists()
