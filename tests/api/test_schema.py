"""The OpenAPI schema (valid, no warnings) and the Swagger UI page under the site's CSP."""

import io

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.test import Client

from .conftest import token_client

pytestmark = pytest.mark.django_db


def test_the_schema_is_served_to_a_token_and_lists_every_endpoint(users):
    response = token_client(users["scrutiny_member"]).get("/api/schema/?format=json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "Plan Tracker API"
    assert {"/api/v1/milestones/", "/api/v1/progress-updates/", "/api/v1/snapshots/{id}/milestones/"} <= set(
        schema["paths"]
    )
    assert schema["components"]["securitySchemes"]["apiToken"]["scheme"] == "bearer"
    assert Client().get("/api/schema/").status_code == 401


def test_the_schema_validates_without_warnings(tmp_path):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out), stderr=io.StringIO())
    assert "/api/v1/indicator-values/{id}/" in out.read_text()


def test_the_docs_page_runs_under_the_csp(users):
    client = Client()
    assert client.get("/api/docs/").status_code == 302  # a page: sign in first
    client.force_login(users["scrutiny_member"])
    page = client.get("/api/docs/")
    assert page.status_code == 200
    assert "script-src 'self'" in page["Content-Security-Policy"]
    html = page.content.decode()
    assert "<script>" not in html  # every script is a file of this site
    assert "cdn" not in html.lower() and "https://" not in html
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert finders.find("drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200 and script["Content-Type"].startswith("application/javascript")
    assert "/api/schema/" in script.content.decode()
