"""Error pages in the site's layout, in plain English, with a way back."""

import pytest
from django.conf import settings
from django.test import RequestFactory
from django.urls import reverse
from django.views.defaults import bad_request, server_error

pytestmark = pytest.mark.django_db


def assert_in_layout(html):
    assert '<nav class="navbar' in html and ">Plan Tracker</a>" in html  # the site's header
    assert 'href="/plans/"' in html  # a way back to the plans


def test_403_is_in_the_layout_and_says_why(client, users):
    assert settings.DEBUG is False
    client.force_login(users["scrutiny_member"])
    response = client.get(reverse("plans:create"))
    html = response.content.decode()
    assert response.status_code == 403
    assert_in_layout(html)
    assert "You can't do that" in html
    assert "Log out</button>" in html  # the signed-in layout: the user can carry on


def test_404_is_in_the_layout(client, users):
    client.force_login(users["scrutiny_member"])
    response = client.get("/plans/999999/about/")
    html = response.content.decode()
    assert response.status_code == 404
    assert_in_layout(html)
    assert "Page not found" in html and "No Plan matches" not in html


def test_404_for_an_unknown_address_is_in_the_layout_when_signed_out(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert_in_layout(response.content.decode())


def test_400_is_in_the_layout():
    response = bad_request(RequestFactory().get("/"), Exception("bad"))
    html = response.content.decode()
    assert response.status_code == 400
    assert_in_layout(html)
    assert "Something was wrong with that request" in html


def test_500_needs_no_database_or_context_and_looks_like_the_site(django_assert_num_queries):
    with django_assert_num_queries(0):
        response = server_error(RequestFactory().get("/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert_in_layout(html)
    assert "css/app.css" in html and "Something went wrong" in html
