"""Personal API tokens: only a hash is stored; valid, revoked and wrong keys; the tokens page; the command."""

import io

import pytest
from django.core.management import call_command
from django.test import Client

from api.models import ApiToken, hash_key

from .conftest import token_client

pytestmark = pytest.mark.django_db


def test_a_valid_token_reads_without_a_session(users):
    client = token_client(users["programme_manager"])
    response = client.get("/api/v1/plans/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "sessionid" not in response.cookies


def test_no_credentials_is_401_json_not_a_login_redirect(db):
    response = Client().get("/api/v1/milestones/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert response.json() == {"detail": "Authentication credentials were not provided."}


def test_a_wrong_key_is_401(users):
    response = Client(headers={"Authorization": "Bearer pt_not-a-real-key"}).get("/api/v1/plans/")
    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid or revoked token."}


def test_a_malformed_header_is_401(users):
    response = Client(headers={"Authorization": "Bearer two words"}).get("/api/v1/plans/")
    assert response.status_code == 401


def test_a_revoked_token_is_401(users):
    token, key = ApiToken.issue(users["programme_manager"], "BI")
    client = Client(headers={"Authorization": f"Bearer {key}"})
    assert client.get("/api/v1/plans/").status_code == 200
    token.revoke()
    response = client.get("/api/v1/plans/")
    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid or revoked token."}


def test_a_deactivated_users_token_is_401(users):
    user = users["programme_manager"]
    client = token_client(user)
    user.is_active = False
    user.save()
    assert client.get("/api/v1/plans/").status_code == 401


def test_only_a_hash_of_the_key_is_stored_and_use_is_recorded(users):
    token, key = ApiToken.issue(users["scrutiny_member"], "Dashboard")
    assert key.startswith("pt_") and len(key) > 40
    assert token.key_hash == hash_key(key) and key not in token.key_hash
    assert token.prefix == key[:10]
    assert token.last_used_at is None
    Client(headers={"Authorization": f"Token {key}"}).get("/api/v1/plans/")
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_the_session_works_for_the_browser(users):
    client = Client()
    client.force_login(users["scrutiny_member"])
    assert client.get("/api/v1/plans/").status_code == 200


def test_a_session_write_needs_the_csrf_token(users, plan_data):
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["milestone_lead"])
    response = client.post(
        "/api/v1/progress-updates/",
        {"milestone": plan_data["mine"].pk, "status": "on_track", "note": "x"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_the_command_prints_a_working_key(users):
    out = io.StringIO()
    call_command("create_api_token", "perf", "--name", "Nightly load", stdout=out)
    key = out.getvalue().strip()
    token = ApiToken.objects.get(key_hash=hash_key(key))
    assert token.name == "Nightly load" and token.user == users["performance_officer"]
    assert Client(headers={"Authorization": f"Bearer {key}"}).get("/api/v1/plans/").status_code == 200


def test_the_command_refuses_an_unknown_user(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No user called"):
        call_command("create_api_token", "nobody")


def test_the_tokens_page_creates_shows_the_key_once_lists_and_revokes(users):
    client = Client()
    client.force_login(users["milestone_lead"])
    page = client.get("/api/tokens/")
    assert page.status_code == 200
    assert b"You have no API tokens." in page.content
    assert b"Plan Tracker" in page.content  # the site layout (base.html)
    response = client.post("/api/tokens/", {"name": "Power BI"}, follow=True)
    token = ApiToken.objects.get(user=users["milestone_lead"])
    key = response.context["new_key"]
    assert key and key.encode() in response.content and token.key_hash == hash_key(key)
    again = client.get("/api/tokens/")
    assert key.encode() not in again.content  # shown once
    assert b"Power BI" in again.content and token.prefix.encode() in again.content
    assert Client(headers={"Authorization": f"Bearer {key}"}).get("/api/v1/plans/").status_code == 200
    client.post(f"/api/tokens/{token.pk}/revoke/")
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert Client(headers={"Authorization": f"Bearer {key}"}).get("/api/v1/plans/").status_code == 401


def test_the_tokens_page_needs_a_name(users):
    client = Client()
    client.force_login(users["milestone_lead"])
    response = client.post("/api/tokens/", {"name": ""})
    assert response.status_code == 200
    assert not ApiToken.objects.exists()


def test_nobody_revokes_or_sees_someone_elses_token(users):
    token, _ = ApiToken.issue(users["programme_manager"], "Managers token")
    client = Client()
    client.force_login(users["milestone_lead"])
    assert client.post(f"/api/tokens/{token.pk}/revoke/").status_code == 404
    assert b"Managers token" not in client.get("/api/tokens/").content
    token.refresh_from_db()
    assert token.revoked_at is None


def test_the_tokens_page_needs_a_login(db):
    response = Client().get("/api/tokens/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
