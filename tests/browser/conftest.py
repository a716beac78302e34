"""Real headless Chromium (Debian's /usr/bin/chromium) driven by Playwright against the live server."""

import datetime
import os
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command

# Playwright's sync API keeps an event loop running in the test thread; the Django calls the
# tests make there are ordinary synchronous ones (Playwright's own docs give this setting).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(django_settings.BASE_DIR) / "artifacts"


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(f"{CHROMIUM} is missing: .ci/run installs Debian's chromium")
        pytest.skip("needs Debian's chromium (installed by .ci/run)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def demo_site(live_server, transactional_db, settings, tmp_path):
    settings.PLAN_TODAY = datetime.date(2009, 11, 4)
    settings.MEDIA_ROOT = str(tmp_path / "media")
    call_command("load_demo", stdout=open(os.devnull, "w"))
    return live_server.url


@pytest.fixture
def login(browser, demo_site):
    pages = []

    def login_as(username):
        context = browser.new_context(viewport={"width": 1366, "height": 900}, accept_downloads=True)
        page = context.new_page()
        page.goto(f"{demo_site}/accounts/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill("demo-haringey-2009")
        page.get_by_role("button", name="Log in").click()
        page.wait_for_load_state()
        pages.append(context)
        return page

    yield login_as
    for context in pages:
        context.close()


def screenshot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def serious_violations(page):
    """axe-core (bundled by axe-playwright-python) run in the page: serious and critical violations."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
