"""At a phone's width (390 × 844) a milestone lead's pages do not scroll sideways, the plan's tabs stay
on screen, and the dashboard's status chart keeps readable words (it scrolls in its own box)."""

import pytest

from plans.models import Plan
from recommendations.models import Recommendation

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}


def test_a_leads_pages_fit_a_phone(login, demo_site):
    plan = Plan.objects.get(name="Safeguarding Plan for Haringey")
    recommendation = Recommendation.objects.get(ref="JAR Capacity and Staffing")  # the longest
    page = login("sarah.peel")
    page.set_viewport_size(PHONE)
    paths = [
        f"/plans/{plan.pk}/dashboard/",
        f"/plans/{plan.pk}/recommendations/",
        f"/recommendations/{recommendation.pk}/",
        "/my-milestones/",
        f"/plans/{plan.pk}/",
    ]
    wide = []
    for path in paths:
        page.goto(demo_site + path)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        if overflow > 0:
            wide.append(f"{path}: {overflow} px too wide")
        # A table squeezed into the width breaks its words letter by letter: cells stay wide enough to read.
        narrow = page.evaluate(
            "[...document.querySelectorAll('main td, main tbody th')].filter(c => c.offsetParent)"
            ".map(c => c.getBoundingClientRect().width).filter(w => w > 0 && w < 120).length"
        )
        if narrow:
            wide.append(f"{path}: {narrow} table cells narrower than 120 px")
        tabs = page.get_by_role("navigation", name="Plan sections").get_by_role("link")
        for n in range(tabs.count()):
            box = tabs.nth(n).bounding_box()
            if box["x"] < 0 or box["x"] + box["width"] > PHONE["width"]:
                wide.append(f"{path}: tab {tabs.nth(n).inner_text()} off screen")
    assert not wide, wide


def test_the_status_chart_keeps_readable_words_on_a_phone(login, demo_site):
    plan = Plan.objects.get(name="Safeguarding Plan for Haringey")
    page = login("sarah.peel")
    page.goto(f"{demo_site}/plans/{plan.pk}/dashboard/")
    desktop = page.locator("svg.status-bars").bounding_box()["width"]
    page.set_viewport_size(PHONE)
    page.reload()
    chart = page.locator("svg.status-bars")
    # Its 12 px words shrank to about 6 px when the chart was squeezed into the phone's width.
    assert chart.locator("text").first.bounding_box()["height"] >= 11
    assert chart.bounding_box()["width"] == desktop
    box = page.locator(".chart-scroll")
    assert box.evaluate("el => el.scrollWidth > el.clientWidth")  # it scrolls in its box...
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # ...not the page
    assert box.get_attribute("tabindex") == "0"  # and keyboard users can scroll it
