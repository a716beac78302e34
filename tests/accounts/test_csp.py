"""Content-Security-Policy: scripts only from the site's own files, none inline."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


def directives(response):
    header = response.headers["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.mark.parametrize("signed_in", [False, True])
def test_pages_carry_a_csp_whose_scripts_are_never_inline(client, users, signed_in):
    if signed_in:
        client.force_login(users["programme_manager"])
    response = client.get(reverse("plans:list") if signed_in else reverse("login"))
    assert response.status_code == 200
    policy = directives(response)
    assert policy["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in policy["script-src"] and "'unsafe-eval'" not in policy["script-src"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]


def test_error_pages_carry_it_too(client):
    assert "script-src 'self'" in client.get("/no-such-page/").headers["Content-Security-Policy"]


TEMPLATE_DIRS = [
    Path(settings.BASE_DIR) / "templates",
    *Path(settings.BASE_DIR).glob("*/templates"),
    *Path(settings.BASE_DIR).glob("*/jinja2"),
]
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)


def test_no_template_has_inline_script_or_event_handler_attributes():
    found = []
    for folder in TEMPLATE_DIRS:
        for path in folder.rglob("*.htm*"):
            text = path.read_text()
            for pattern in (INLINE_SCRIPT, EVENT_HANDLER, re.compile(r"javascript:", re.I)):
                found += [f"{path.relative_to(settings.BASE_DIR)}: {m.group(0)}" for m in pattern.finditer(text)]
    assert found == []


def test_the_dashboard_print_button_works_through_the_static_script(client, users, milestone):
    client.force_login(users["programme_manager"])
    html = client.get(reverse("reports:dashboard", args=[milestone.action.plan.pk])).content.decode()
    assert 'data-action="print"' in html and "js/app.js" in html
    assert "window.print()" in (Path(settings.BASE_DIR) / "static" / "js" / "app.js").read_text()
