"""Password reset by email, in the site's layout, open to people who are not (or cannot) log in."""

import re

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-fresh-long-passphrase-2009"


@pytest.fixture
def member(users):
    user = users["scrutiny_member"]
    user.email = "cllr.bull@haringey.example"
    user.first_name = "Gideon"
    user.save()
    return user


def request_link(client, email):
    response = client.post(reverse("password_reset"), {"email": email})
    assert response.status_code == 302 and response.url == reverse("password_reset_done")
    assert "Check your email" in client.get(response.url).content.decode()


def reset_link():
    assert len(mail.outbox) == 1
    match = re.search(r"https?://testserver(/accounts/password-reset/[^/\s]+/[^/\s]+/)", mail.outbox[0].body)
    assert match, mail.outbox[0].body
    return match.group(1)


def set_password(client, link):
    response = client.get(link)  # Django swaps the token into the session and redirects
    assert response.status_code == 302
    form_url = response.url
    assert "Choose a new password" in client.get(form_url).content.decode()
    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302 and response.url == reverse("password_reset_complete")
    assert "Your password has been changed" in client.get(response.url).content.decode()


def test_the_login_page_links_to_password_reset(client):
    html = client.get(reverse("login")).content.decode()
    assert reverse("password_reset") in html and "Forgotten your password?" in html


def test_reset_pages_need_no_login_and_are_in_the_layout(client):
    for name in ("password_reset", "password_reset_done", "password_reset_complete"):
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        assert '<nav class="navbar' in response.content.decode()


def test_full_reset_by_email_then_log_in(client, member):
    request_link(client, "CLLR.BULL@haringey.example")
    message = mail.outbox[0]
    assert message.to == ["cllr.bull@haringey.example"]
    assert message.subject == "Reset your Plan Tracker password"
    assert "Hello Gideon" in message.body
    set_password(client, reset_link())
    client.logout()
    response = client.post(reverse("login"), {"username": "cllr", "password": NEW_PASSWORD})
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(member.pk)
    assert client.post(reverse("login"), {"username": "cllr", "password": "pw"}).status_code == 200  # old one gone


def test_an_unknown_email_gets_the_same_answer_and_no_email(client, member):
    request_link(client, "stranger@example.org")
    assert mail.outbox == []


def test_a_used_link_does_not_work_twice(client, member):
    request_link(client, member.email)
    link = reset_link()
    set_password(client, link)
    response = client.get(link, follow=True)
    assert "This link no longer works" in response.content.decode()


def test_a_locked_out_person_can_reset_by_email_and_log_in_at_once(client, member):
    address = {"REMOTE_ADDR": "203.0.113.10"}
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "cllr", "password": "wrong"}, **address)
    assert client.post(reverse("login"), {"username": "cllr", "password": "pw"}, **address).status_code == 429

    response = client.post(reverse("password_reset"), {"email": member.email}, **address)
    assert response.status_code == 302  # axes does not block the reset views
    link = reset_link()
    response = client.get(link, **address)
    response = client.post(response.url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}, **address)
    assert response.status_code == 302 and response.url == reverse("password_reset_complete")

    response = client.post(reverse("login"), {"username": "cllr", "password": NEW_PASSWORD}, **address)
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(member.pk)
