"""The recommendations pages in real Chromium: reached from the plan's tabs, edited by the programme
manager, read-only for scrutiny, hidden from other councils, and axe-clean at desktop and phone widths."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe

from plans.models import Plan
from recommendations.models import Recommendation

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}


def haringey():
    return Plan.objects.get(name="Safeguarding Plan for Haringey")


def plan_tab(page, name):
    return page.get_by_role("navigation", name="Plan sections").get_by_role("link", name=name, exact=True)


def row(page, ref):
    """The list's row for one recommendation (its ref heads the row)."""
    return page.locator("tbody tr").filter(has=page.get_by_role("rowheader", name=ref, exact=True))


def test_programme_manager_links_actions_to_recommendations_through_the_pages(login, demo_site):
    plan = haringey()
    page = login("manager")
    assert re.search(rf"/plans/{plan.pk}/$", page.url)  # lands on the plan page, whose tabs lead on
    plan_tab(page, "Recommendations").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/plans/{plan.pk}/recommendations/")
    assert plan_tab(page, "Recommendations").get_attribute("aria-current") == "page"

    # The roll-up: one recommendation of the demo (AFI 6, childminders) is answered by no action.
    key = page.locator("[data-rollup-key]")
    assert "Not covered: No action with milestones answers this recommendation (1)" in key.inner_text()
    afi6 = row(page, "AFI 6")
    assert afi6.get_attribute("data-rollup") == "not_covered"
    assert "No action answers this yet." in afi6.inner_text()

    # Its own page, then its edit page: answered by action 1.08.
    afi6.get_by_role("link", name="AFI 6", exact=True).click()
    page.wait_for_load_state()
    assert "Not covered" in page.locator("[data-rollup]").inner_text()
    assert "No action answers this recommendation yet." in page.content()
    page.get_by_role("link", name="Edit this recommendation").click()
    page.wait_for_load_state()
    page.get_by_label(re.compile(r"^\s*1\.08 ")).check()
    page.get_by_label("Inspector's timescale").fill("Within 3 months")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/plans/{plan.pk}/recommendations/")
    afi6 = row(page, "AFI 6")
    assert afi6.get_attribute("data-rollup") != "not_covered"
    assert afi6.get_by_role("link", name="1.08", exact=True).count() == 1
    assert "timescale: Within 3 months" in afi6.inner_text()
    assert page.locator("[data-rollup-key] li", has_text="Not covered").inner_text().endswith("(0)")
    assert [a.ref for a in Recommendation.objects.get(ref="AFI 6").actions.all()] == ["1.08"]

    # A new one, answered by two actions.
    page.get_by_role("link", name="Add a recommendation", exact=True).click()
    page.wait_for_load_state()
    page.get_by_label(re.compile(r"^\s*Source")).select_option(label="Ofsted Progress Review (Jan 2010)")
    page.get_by_label(re.compile(r"^\s*Ref")).fill("AFI 11")
    page.get_by_label(re.compile(r"^\s*Kind")).select_option(label="Area for improvement")
    page.get_by_label(re.compile(r"^\s*Text")).fill("Audit the quality of supervision recorded on case files.")
    page.get_by_label(re.compile(r"^\s*1\.16 ")).check()
    page.get_by_label(re.compile(r"^\s*2\.03 ")).check()
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    assert "Ofsted Progress Review AFI 11 added." in page.content()
    afi11 = row(page, "AFI 11")
    assert "Audit the quality of supervision recorded on case files." in afi11.inner_text()
    assert afi11.get_by_role("link", name="1.16", exact=True).count() == 1
    assert afi11.get_by_role("link", name="2.03", exact=True).count() == 1
    afi11.get_by_role("link", name="AFI 11", exact=True).click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name=re.compile(r"^\s*1\.16 ")).is_visible()
    assert page.get_by_role("heading", name=re.compile(r"^\s*2\.03 ")).is_visible()


def test_scrutiny_member_reads_them_and_another_council_gets_404(login, demo_site):
    plan = haringey()
    recommendation = Recommendation.objects.get(ref="AFI 1")
    page = login("councillor")
    plan_tab(page, "Recommendations").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/plans/{plan.pk}/recommendations/")
    assert row(page, "AFI 6").get_attribute("data-rollup") == "not_covered"
    for path in (f"/plans/{plan.pk}/recommendations/", f"/recommendations/{recommendation.pk}/"):
        page.goto(demo_site + path)
        hrefs = [a.get_attribute("href") or "" for a in page.locator("main a").all()]
        assert not [h for h in hrefs if re.search(r"/(edit|new)/", h)], (path, hrefs)
        assert "Add a recommendation" not in page.content()
    assert page.goto(f"{demo_site}/recommendations/{recommendation.pk}/edit/").status == 403

    stranger = login("northbridge")  # programme manager of another council's plan
    for path in (f"/plans/{plan.pk}/recommendations/", f"/recommendations/{recommendation.pk}/"):
        assert stranger.goto(demo_site + path).status == 404, path


def test_axe_finds_nothing_on_the_recommendation_pages_at_desktop_and_phone_widths(login, demo_site):
    plan = haringey()
    recommendation = Recommendation.objects.get(ref="AFI 4")
    page = login("manager")
    found = []
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        for path in (f"/plans/{plan.pk}/recommendations/", f"/recommendations/{recommendation.pk}/"):
            page.goto(demo_site + path)
            found += [
                f"{width} {path}: {v['id']} ({v['impact']}) {[n['target'] for n in v['nodes']][:3]}"
                for v in Axe().run(page).response["violations"]
            ]
    assert not found, found
