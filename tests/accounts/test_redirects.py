"""After an action the app follows a "next" address only when it stays on this site."""

import datetime

import pytest
from django.test import RequestFactory
from django.urls import reverse

from milestones.services import progress_update_create
from safeguarding.redirects import safe_next_url

OFF_SITE = [
    "//evil.example",
    "//evil.example/plans/",
    "https://evil.example",
    "http://evil.example/",
    "/\\evil.example",
    "\\\\evil.example",
    "javascript:alert(1)",
    "JavaScript:alert(document.cookie)",
    " //evil.example",
    "https:///evil.example",
]


@pytest.mark.parametrize("target", OFF_SITE)
def test_an_off_site_next_falls_back(target):
    request = RequestFactory().post("/x/", {"next": target})
    assert safe_next_url(request, "/fallback/") == "/fallback/"
    request = RequestFactory().get("/x/", {"next": target})
    assert safe_next_url(request, "/fallback/") == "/fallback/"


@pytest.mark.parametrize("target", ["/plans/", "/milestones/12/?tab=history", "http://testserver/plans/"])
def test_an_on_site_next_is_followed(target):
    assert safe_next_url(RequestFactory().post("/x/", {"next": target}), "/fallback/") == target


def test_over_https_a_plain_http_next_is_refused():
    request = RequestFactory().post("/x/", {"next": "http://testserver/plans/"}, secure=True)
    assert safe_next_url(request, "/fallback/") == "/fallback/"


@pytest.mark.django_db
@pytest.mark.parametrize("target", ["//evil.example", "https://evil.example", "/\\evil.example", "javascript:alert(1)"])
def test_signing_off_an_update_never_redirects_off_site(client, users, milestone, target, plan_today):
    update = progress_update_create(
        milestone=milestone,
        author=users["milestone_lead"],
        reporting_month=datetime.date(2009, 11, 1),
        status="not_on_track",
        note="Late",
    )
    client.force_login(users["programme_manager"])
    response = client.post(reverse("milestones:review", args=[update.pk]), {"decision": "signed_off", "next": target})
    assert response.status_code == 302
    assert response.url == milestone.get_absolute_url()


@pytest.mark.django_db
@pytest.mark.parametrize("target", ["//evil.example", "/\\evil.example", "javascript:alert(1)"])
def test_a_new_comparator_group_never_redirects_off_site(client, users, target):
    client.force_login(users["performance_officer"])
    url = reverse("indicators:comparator_create") + "?" + "next=" + target
    response = client.post(url, {"name": "X", "order": 1})
    assert response.url == reverse("plans:list")
