"""Failed logins lock out a username from one address: the protection cannot be turned on users."""

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

A, B = "203.0.113.10", "198.51.100.20"


def attempt(client, username, password, address, **headers):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address, **headers)


def logged_in(response, client):
    return response.status_code == 302 and "_auth_user_id" in client.session


def test_failures_for_unknown_usernames_do_not_lock_a_real_user_out_of_that_address(client, users):
    for n in range(settings.AXES_FAILURE_LIMIT + 2):
        attempt(client, f"nobody{n}", "guess", A)
    attempt(client, "nobody", "guess", A)
    assert logged_in(attempt(client, "cllr", "pw", A), client)


def test_one_unknown_username_tried_many_times_does_not_lock_the_address(client, users):
    for _ in range(settings.AXES_FAILURE_LIMIT + 2):
        attempt(client, "nobody", "guess", A)
    assert logged_in(attempt(client, "cllr", "pw", A), client)


def test_failures_for_a_real_user_from_one_address_do_not_lock_them_out_from_another(client, users):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "cllr", "wrong", A)
    assert attempt(client, "cllr", "pw", A).status_code == 429  # locked from A
    assert logged_in(attempt(client, "cllr", "pw", B), client)  # not from B


def test_a_forwarded_for_header_is_ignored_without_a_trusted_proxy(client, users):
    # Without AXES_IPWARE_* set, rotating X-Forwarded-For does not dodge the lockout.
    for n in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "cllr", "wrong", A, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
    assert attempt(client, "cllr", "pw", A, HTTP_X_FORWARDED_FOR="192.0.2.99").status_code == 429


def test_behind_a_trusted_proxy_the_forwarded_address_is_the_client(client, users, settings):
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    settings.AXES_IPWARE_PROXY_COUNT = 1
    proxy = "10.0.0.2"
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "cllr", "wrong", proxy, HTTP_X_FORWARDED_FOR=f"{A}, {proxy}")
    assert attempt(client, "cllr", "pw", proxy, HTTP_X_FORWARDED_FOR=f"{A}, {proxy}").status_code == 429
    # The same proxy, another client behind it: not locked out.
    assert logged_in(attempt(client, "cllr", "pw", proxy, HTTP_X_FORWARDED_FOR=f"{B}, {proxy}"), client)


def test_the_locked_out_page_offers_a_password_reset(client, users):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "cllr", "wrong", A)
    html = attempt(client, "cllr", "pw", A).content.decode()
    assert "Too many failed logins" in html and reverse("password_reset") in html
