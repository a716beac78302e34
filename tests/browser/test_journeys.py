"""The three user journeys, and the accessibility check, in real Chromium."""

import re

import pytest

from milestones.models import Milestone, ProgressUpdate
from plans.models import Plan

from .conftest import screenshot, serious_violations

pytestmark = pytest.mark.django_db(transaction=True)


def test_milestone_lead_updates_a_milestone(login, demo_site):
    page = login("sarah.peel")
    assert "My milestones" in page.title()
    needs = page.locator("#needs-update").locator("xpath=..")
    needs.get_by_role("link", name=re.compile("^Update")).first.click()
    page.wait_for_load_state()
    # October (the month being reported until 6 November) is closed in the demo: the newest open month.
    assert page.get_by_label("Reporting month").input_value() == "2009-11-01"
    page.get_by_label(re.compile("Not on track")).check()
    page.get_by_role("button", name="Save update").click()
    error = page.locator(".invalid-feedback", has_text="Say why the milestone is not on track")
    assert error.is_visible()
    screenshot(page, "update-form-with-error")
    assert not serious_violations(page), serious_violations(page)
    page.get_by_label("Progress note").fill("Nov 2009 - Not on track. Work programme awaiting the new AD.")
    page.get_by_role("button", name="Save update").click()
    page.wait_for_load_state()
    assert "Progress update for Nov 2009 submitted." in page.content()
    history = page.locator(".history-item").first
    assert "Nov 2009 - Not on track. Work programme awaiting the new AD." in history.inner_text()
    assert ProgressUpdate.objects.filter(author__username="sarah.peel").count() == 1
    assert not serious_violations(page), serious_violations(page)


def test_programme_manager_builds_a_pack_and_downloads_its_pdf(login, demo_site):
    page = login("manager")
    plan = Plan.objects.get(name="Safeguarding Plan for Haringey")
    page.goto(f"{demo_site}/plans/{plan.pk}/packs/")
    page.get_by_role("link", name="Overview & Scrutiny").click()
    page.get_by_role("button", name=re.compile("the PDF")).click()
    page.wait_for_selector("text=Download the PDF", timeout=120_000)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the PDF").click()
    path = download.value.path()
    with open(path, "rb") as pdf:
        assert pdf.read(4) == b"%PDF"
    assert download.value.suggested_filename.endswith(".pdf")


def test_scrutiny_member_browses_and_finds_no_way_to_edit(login, demo_site):
    page = login("councillor")
    assert "Dashboard" in page.title()
    screenshot(page, "dashboard")
    assert page.locator("#h-status").is_visible() and page.locator(".indicator-tile").count() == 13
    assert not serious_violations(page), serious_violations(page)
    plan = Plan.objects.get(name="Safeguarding Plan for Haringey")
    milestone = Milestone.objects.filter(action__ref="1.01").first()
    pages = [
        f"/plans/{plan.pk}/dashboard/",
        f"/plans/{plan.pk}/",
        f"/milestones/{milestone.pk}/",
        f"/plans/{plan.pk}/indicators/",
        f"/plans/{plan.pk}/reports/exceptions/",
        f"/plans/{plan.pk}/packs/",
        f"/plans/{plan.pk}/snapshots/",
        f"/actions/{milestone.action_id}/timeline/",
    ]
    for path in pages:
        page.goto(demo_site + path)
        html = page.content()
        forms = page.locator("form[method=post]")
        actions = [forms.nth(n).get_attribute("action") for n in range(forms.count())]
        # The only POST forms: log out, and asking for a PDF download (reading, not editing).
        assert [a for a in actions if a != "/accounts/logout/" and not a.endswith("/pdf/")] == [], (path, actions)
        hrefs = [a.get_attribute("href") or "" for a in page.locator("a").all()]
        assert not [h for h in hrefs if re.search(r"/(edit|new|update|exception)/", h)], path
        assert "Add action" not in html and "Record an exception" not in html
    # Guessing a write URL gets 403.
    response = page.goto(f"{demo_site}/milestones/{milestone.pk}/update/")
    assert response.status == 403


@pytest.mark.parametrize("path_name", ["plan", "milestone"])
def test_pages_have_no_serious_accessibility_violations(login, demo_site, path_name):
    page = login("manager")
    plan = Plan.objects.get(name="Safeguarding Plan for Haringey")
    milestone = Milestone.objects.filter(action__ref="1.01").first()
    page.goto(demo_site + (f"/plans/{plan.pk}/" if path_name == "plan" else f"/milestones/{milestone.pk}/"))
    assert not serious_violations(page), serious_violations(page)
