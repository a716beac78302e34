"""Optional single sign-on (OpenID Connect) against a stub provider: off unless configured;
when on, an existing account is signed in by its email and a stranger is not."""

import ast
import os
import subprocess
import sys
import time
from unittest import mock
from urllib.parse import parse_qs, urlparse

import jwt
import pytest
import requests
from django.contrib.auth import get_user_model
from django.urls import reverse

from accounts import oidc

pytestmark = pytest.mark.django_db

BUTTON = "Sign in with your organisation account"
CLIENT_ID, SECRET = "plan-tracker", "stub-provider-shared-secret-0123456789abcdef"
IDP = "https://login.idp.example/tenant-1"


@pytest.fixture
def sso(settings):
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = SECRET
    settings.OIDC_RP_SIGN_ALGO = "HS256"  # the stub signs with the client secret
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{IDP}/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{IDP}/token"
    settings.OIDC_OP_USER_ENDPOINT = f"{IDP}/userinfo"
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, "accounts.oidc.OrganisationAccountBackend"]
    return settings


@pytest.fixture
def member(users):
    user = users["scrutiny_member"]
    user.email = "Gideon.Bull@haringey.example"
    user.save()
    return user


class StubProvider:
    """Answers the token and userinfo requests that the backend makes with `requests`."""

    def __init__(self, claims, audience=CLIENT_ID):
        self.claims, self.audience, self.nonce, self.token_requests = claims, audience, None, []

    def post(self, url, data=None, **kwargs):
        assert url == f"{IDP}/token" and data["client_secret"] == SECRET and data["code"] == "the-code"
        self.token_requests.append(data)
        id_token = jwt.encode(
            {"iss": IDP, "aud": self.audience, "sub": "42", "nonce": self.nonce, "exp": int(time.time()) + 300},
            SECRET,
            algorithm="HS256",
        )
        return mock.Mock(status_code=200, json=lambda: {"id_token": id_token, "access_token": "stub-access"})

    def get(self, url, headers=None, **kwargs):
        assert url == f"{IDP}/userinfo" and headers["Authorization"] == "Bearer stub-access"
        return mock.Mock(status_code=200, headers={"content-type": "application/json"}, json=lambda: self.claims)


def sign_in(client, provider, next_url=None):
    """Follow the browser: start, (the provider signs the person in), callback."""
    start = reverse("oidc_authentication_init") + (f"?next={next_url}" if next_url else "")
    response = client.get(start)
    assert response.status_code == 302 and response.url.startswith(f"{IDP}/authorize?")
    query = parse_qs(urlparse(response.url).query)
    assert query["client_id"] == [CLIENT_ID] and query["code_challenge_method"] == ["S256"]
    assert query["redirect_uri"] == ["http://testserver" + reverse("oidc_authentication_callback")]
    provider.nonce = query["nonce"][0]
    with (
        mock.patch("mozilla_django_oidc.auth.requests.post", provider.post),
        mock.patch("mozilla_django_oidc.auth.requests.get", provider.get),
    ):
        return client.get(reverse("oidc_authentication_callback"), {"code": "the-code", "state": query["state"][0]})


def test_without_configuration_there_is_no_button_and_passwords_work(client, users):
    assert BUTTON not in client.get(reverse("login")).content.decode()
    assert client.get(reverse("oidc_authentication_init")).status_code == 404
    assert client.get(reverse("oidc_authentication_callback"), {"code": "x", "state": "y"}).status_code == 404
    response = client.post(reverse("login"), {"username": "cllr", "password": "pw"})
    assert response.status_code == 302 and "_auth_user_id" in client.session


def test_with_configuration_the_login_page_offers_it_and_passwords_still_work(client, users, sso):
    html = client.get(reverse("login")).content.decode()
    assert BUTTON in html and reverse("oidc_authentication_init") in html
    response = client.post(reverse("login"), {"username": "cllr", "password": "pw"})
    assert response.status_code == 302 and "_auth_user_id" in client.session


def test_an_existing_account_is_signed_in_by_its_email(client, member, sso):
    provider = StubProvider({"sub": "42", "email": "gideon.bull@HARINGEY.example", "email_verified": True})
    response = sign_in(client, provider, next_url="/plans/")
    assert response.status_code == 302 and response.url == "/plans/"
    assert client.session["_auth_user_id"] == str(member.pk)
    assert "code_verifier" in provider.token_requests[0]  # PKCE
    assert client.get(reverse("plans:list")).status_code == 200  # and stays signed in


def test_an_unknown_email_is_not_signed_in_and_is_told_why(client, member, sso):
    provider = StubProvider({"sub": "43", "email": "stranger@elsewhere.example"})
    response = sign_in(client, provider)
    assert response.status_code == 302 and response.url == reverse("login")
    assert "_auth_user_id" not in client.session
    assert not get_user_model().objects.filter(email="stranger@elsewhere.example").exists()
    html = client.get(response.url).content.decode()
    assert "There is no Plan Tracker account for stranger@elsewhere.example" in html


def test_an_email_the_provider_has_not_verified_is_refused(client, member, sso):
    provider = StubProvider({"sub": "42", "email": member.email, "email_verified": False})
    response = sign_in(client, provider)
    assert response.url == reverse("login") and "_auth_user_id" not in client.session


def test_a_token_issued_for_another_application_is_refused(client, member, sso):
    provider = StubProvider({"sub": "42", "email": member.email}, audience="some-other-app")
    response = sign_in(client, provider)
    assert response.url == reverse("login") and "_auth_user_id" not in client.session


def test_an_unreachable_provider_sends_the_person_back_to_log_in(client, member, sso):
    provider = StubProvider({"email": member.email})
    provider.post = mock.Mock(side_effect=requests.ConnectionError("no route to host"))
    response = sign_in(client, provider)
    assert response.url == reverse("login") and "_auth_user_id" not in client.session
    assert "did not work" in client.get(response.url).content.decode()


def test_an_off_site_next_is_not_followed_after_sign_in(client, member, sso):
    response = sign_in(client, StubProvider({"email": member.email}), next_url="//evil.example/")
    assert response.url == "/" and client.session["_auth_user_id"] == str(member.pk)


def test_endpoints_can_come_from_the_discovery_document(client, member, sso):
    sso.OIDC_OP_AUTHORIZATION_ENDPOINT = sso.OIDC_OP_TOKEN_ENDPOINT = sso.OIDC_OP_USER_ENDPOINT = ""
    sso.OIDC_OP_DISCOVERY = f"{IDP}/.well-known/openid-configuration"
    document = {
        "issuer": IDP,
        "authorization_endpoint": f"{IDP}/authorize",
        "token_endpoint": f"{IDP}/token",
        "userinfo_endpoint": f"{IDP}/userinfo",
        "jwks_uri": f"{IDP}/keys",
    }
    fetched = mock.Mock(return_value=mock.Mock(json=lambda: document))
    oidc._documents.clear()
    with mock.patch("accounts.oidc.requests.get", fetched):
        response = sign_in(client, StubProvider({"email": member.email}))
        assert client.session["_auth_user_id"] == str(member.pk) and response.url == "/"
        client.get(reverse("plans:list"))  # a signed-in request does not fetch it again
    fetched.assert_called_once_with(sso.OIDC_OP_DISCOVERY, timeout=10)
    oidc._documents.clear()


def settings_from_env(**env_vars):
    script = "import django; django.setup(); from django.conf import settings; print(settings.AUTHENTICATION_BACKENDS)"
    env = {k: v for k, v in os.environ.items() if not k.startswith("OIDC_")}
    env.update({"DJANGO_SETTINGS_MODULE": "safeguarding.settings", **env_vars})
    return subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60)


def test_the_environment_alone_turns_it_on_after_the_local_backends():
    off = settings_from_env()
    assert off.returncode == 0 and "OrganisationAccountBackend" not in off.stdout
    on = settings_from_env(OIDC_RP_CLIENT_ID=CLIENT_ID, OIDC_OP_DISCOVERY=f"{IDP}/.well-known/openid-configuration")
    assert on.returncode == 0, on.stderr
    backends = ast.literal_eval(on.stdout.strip())
    assert backends[:2] == ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
    assert backends[-1] == "accounts.oidc.OrganisationAccountBackend"


def test_a_client_id_without_a_provider_stops_start_up_with_a_clear_error():
    result = settings_from_env(OIDC_RP_CLIENT_ID=CLIENT_ID)
    assert result.returncode != 0 and "set OIDC_OP_DISCOVERY or the OIDC_OP_*_ENDPOINT URLs" in result.stderr
