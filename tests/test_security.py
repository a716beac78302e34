"""Production settings, login protection, sessions."""

import os
import subprocess
import sys
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

MANAGE = [sys.executable, str(settings.BASE_DIR / "manage.py")]
PRODUCTION_ENV = {
    "PRODUCTION": "1",
    "SECRET_KEY": "a-long-random-production-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
    "ALLOWED_HOSTS": "plans.example.gov.uk",
    "DJANGO_SETTINGS_MODULE": "safeguarding.settings",
}


def run_manage(*args, env):
    skip = ("SECRET_KEY", "DEBUG", "PLAN_TODAY", "DJANGO_ALLOW_ASYNC_UNSAFE")  # the browser tests set the last
    clean = {k: v for k, v in os.environ.items() if k not in skip}
    return subprocess.run([*MANAGE, *args], env={**clean, **env}, capture_output=True, text=True, timeout=120)


def test_check_deploy_with_production_settings_reports_nothing():
    result = run_manage("check", "--deploy", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "SECRET_KEY"}
    result = run_manage("check", env=env)
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr


def test_debug_is_off_unless_asked_for():
    assert settings.DEBUG is False


@pytest.mark.django_db
def test_repeated_failed_logins_lock_the_account(client, users):
    url = reverse("login")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(url, {"username": "cllr", "password": "wrong"})
        assert "Please enter a correct username and password" in response.content.decode()
    assert client.post(url, {"username": "cllr", "password": "wrong"}).status_code == 429  # the limit reached
    locked = client.post(url, {"username": "cllr", "password": "pw"})
    assert locked.status_code in (403, 429) and "Too many failed logins" in locked.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_good_login_works(client, users):
    response = client.post(reverse("login"), {"username": "cllr", "password": "pw"})
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(users["scrutiny_member"].pk)


@pytest.mark.django_db
def test_an_idle_session_expires(client, users):
    client.force_login(users["scrutiny_member"])
    assert client.get(reverse("plans:list")).status_code == 200
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get(reverse("plans:list"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert settings.SESSION_COOKIE_AGE == 30 * 60


@pytest.mark.django_db
def test_using_a_session_moves_its_end_on_but_writes_it_at_most_once_a_minute(client, users):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from safeguarding.sessions import REFRESHED_AT

    user = users["scrutiny_member"]
    user.set_password("a-long-passphrase-2009")
    user.save()
    client.post(reverse("login"), {"username": user.username, "password": "a-long-passphrase-2009"})
    for _ in range(2):  # signing in saved the session and started the clock: the next pages write nothing
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("plans:list")).status_code == 200
        assert not [q for q in queries if "django_session" in q["sql"] and q["sql"].startswith("UPDATE")]

    # A minute on, the next page saves the session with a new end, 30 minutes from now.
    session = client.session
    session[REFRESHED_AT] -= settings.SESSION_REFRESH_SECONDS
    session.save()
    Session.objects.update(expire_date=timezone.now() + timedelta(minutes=5))
    assert client.get(reverse("plans:list")).status_code == 200
    expire_date = Session.objects.get().expire_date
    assert expire_date > timezone.now() + timedelta(minutes=29)


@pytest.mark.django_db
def test_changing_the_password_logs_out_other_sessions(client, users):
    user = users["milestone_lead"]
    client.force_login(user)
    user.set_password("a-new-long-passphrase-2009")
    user.save()
    response = client.get(reverse("milestones:mine"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
