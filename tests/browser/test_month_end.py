"""Month-end in real Chromium: closing with confirmation and reopening, reporting October on
4 November, a returned update, phone journeys at 390 px and axe (any impact) at two widths."""

import datetime
import re

import pytest
from axe_playwright_python.sync_playwright import Axe

from indicators.models import Indicator
from milestones.models import Milestone, ProgressUpdate
from milestones.services import progress_update_create, update_review_create
from plans.models import LockedMonth, Plan
from reports.models import Snapshot
from reports.periods import period_reopen

from .conftest import screenshot

pytestmark = pytest.mark.django_db(transaction=True)

OCT = datetime.date(2009, 10, 1)
PHONE = {"width": 390, "height": 844}


def haringey():
    return Plan.objects.get(name="Safeguarding Plan for Haringey")


def violations(page):
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
    ]


def no_sideways_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def user(username):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=username)


def test_manager_reopens_october_with_a_reason_and_closes_it_again_after_confirming(login, demo_site):
    plan = haringey()
    page = login("manager")
    page.goto(f"{demo_site}/plans/{plan.pk}/month-end/")
    page.get_by_role("link", name="Reopen October…").click()
    page.get_by_label("Why is the month reopened?").fill("The police update for 3.02 arrived late")
    page.get_by_role("button", name="Reopen October 2009").click()
    page.wait_for_load_state()
    assert "October 2009 is reopened" in page.content()
    assert "The police update for 3.02 arrived late" in page.content()
    assert not LockedMonth.objects.filter(plan=plan, month=OCT).exists()

    page.get_by_role("link", name="Close October…").click()
    assert "Still outstanding" in page.content() and "closing early" in page.content()
    screenshot(page, "month-end-close")
    page.get_by_role("button", name="Close October 2009").click()
    page.wait_for_load_state()
    # Before the 6 November deadline the tick is needed: the error summary is focused and links to it.
    summary = page.locator("[data-error-summary]")
    assert summary.is_visible()
    assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
    assert summary.locator("a[href='#id_confirm']").count() == 1
    assert not LockedMonth.objects.filter(plan=plan, month=OCT).exists()
    page.get_by_label(re.compile("want to close this month now")).check()
    page.get_by_role("button", name="Close October 2009").click()
    page.wait_for_load_state()
    assert LockedMonth.objects.filter(plan=plan, month=OCT).exists()
    october = Snapshot.objects.filter(plan=plan, period=OCT, kind="monthly").order_by("taken_at")
    assert october.count() == 2 and october.first().retaken_by is not None  # the old one kept, superseded


def test_lead_reports_october_on_4_november(login, demo_site):
    # The demo's October was closed on its report day; the manager reopens it for late updates.
    period_reopen(plan=haringey(), month=OCT, actor=user("manager"), reason="Late updates")
    page = login("sarah.peel")
    page.locator("#needs-update").locator("xpath=..").get_by_role("link", name=re.compile("^Update")).first.click()
    page.wait_for_load_state()
    month = page.get_by_label("Reporting month")
    assert month.evaluate("el => el.options[el.selectedIndex].text") == "October 2009"
    assert "September 2009" not in month.inner_text()  # closed months are not offered
    page.get_by_label(re.compile("Achieved")).check()
    page.get_by_label("Note").fill("Oct 2009 - Achieved: protocol signed off by the board")
    page.get_by_role("button", name="Save update").click()
    page.wait_for_load_state()
    assert "Progress update for Oct 2009 submitted" in page.content()
    assert ProgressUpdate.objects.filter(reporting_month=OCT, note__startswith="Oct 2009 - Achieved: protocol").exists()


def test_returned_update_comes_back_prefilled_with_the_comment_on_top(login, demo_site):
    lead = user("sarah.peel")
    milestone = Milestone.objects.filter(lead__user=lead).order_by("pk").first()
    update = progress_update_create(
        milestone=milestone,
        author=lead,
        reporting_month=datetime.date(2009, 11, 1),
        status="not_on_track",
        note="Nov 2009 - Delayed",
    )
    update_review_create(
        update=update, reviewer=user("manager"), decision="returned", comment="Say what support you need."
    )
    page = login("sarah.peel")
    page.goto(f"{demo_site}/milestones/{milestone.pk}/update/")
    alert = page.locator("[data-returned-comment]")
    assert "Say what support you need." in alert.inner_text()
    assert page.get_by_label("Note").input_value() == "Nov 2009 - Delayed"
    assert not violations(page), violations(page)


def test_lead_updates_from_my_milestones_on_a_phone(login, demo_site):
    page = login("sarah.peel")
    page.set_viewport_size(PHONE)
    page.reload()
    assert no_sideways_scroll(page)
    screenshot(page, "phone-my-milestones")
    page.locator("#needs-update").locator("xpath=..").get_by_role("link", name=re.compile("^Update")).first.click()
    page.wait_for_load_state()
    assert no_sideways_scroll(page)
    page.get_by_label(re.compile("On track")).check()
    page.get_by_label("Note").fill("Nov 2009 - On track")
    page.get_by_role("button", name="Save update").click()
    page.wait_for_load_state()
    assert "submitted" in page.content()
    assert no_sideways_scroll(page)  # the milestone page
    screenshot(page, "phone-milestone")


def test_scrutiny_member_goes_from_dashboard_to_a_milestone_on_a_phone(login, demo_site):
    page = login("councillor")
    page.set_viewport_size(PHONE)
    page.reload()
    assert "/dashboard/" in page.url and no_sideways_scroll(page)
    screenshot(page, "phone-dashboard")
    page.locator("#h-overdue").locator("xpath=..").locator("a[href^='/milestones/']").first.click()
    page.wait_for_load_state()
    assert re.search(r"/milestones/\d+/$", page.url) and no_sideways_scroll(page)
    page.goto(f"{demo_site}/plans/{haringey().pk}/")
    assert no_sideways_scroll(page)


def test_axe_finds_nothing_at_desktop_and_phone_widths(login, demo_site):
    plan = haringey()
    milestone = Milestone.objects.filter(lead__user__username="sarah.peel").order_by("pk").first()
    indicator = Indicator.objects.filter(plan=plan).first()
    pages = {
        "manager": [
            f"/plans/{plan.pk}/dashboard/",
            f"/plans/{plan.pk}/",
            f"/milestones/{milestone.pk}/",
            f"/milestones/{milestone.pk}/update/",
            "/sign-off/",
            f"/plans/{plan.pk}/indicators/",
            f"/indicators/{indicator.pk}/",
            f"/plans/{plan.pk}/month-end/",
            f"/plans/{plan.pk}/month-end/2009/10/reopen/",
        ],
        "sarah.peel": ["/my-milestones/"],
    }
    found = []
    for username, paths in pages.items():
        page = login(username)
        for width in (1366, 390):
            page.set_viewport_size({"width": width, "height": 900})
            for path in paths:
                page.goto(demo_site + path)
                if path == f"/plans/{plan.pk}/":
                    # Filters open (the "Due between" inputs are checked too).
                    page.locator("details").first.evaluate("details => { details.open = true; }")
                found += [f"{width} {path}: {v}" for v in violations(page)]
                if width == 390 and not no_sideways_scroll(page):
                    found.append(f"{width} {path}: scrolls sideways")
    assert not found, found


@pytest.mark.parametrize(
    "username, landing",
    [
        ("sarah.peel", r"/my-milestones/$"),
        ("manager", r"/plans/\d+/$"),
        ("performance", r"/plans/\d+/indicators/$"),
        ("councillor", r"/plans/\d+/dashboard/$"),
    ],
)
def test_each_role_lands_where_its_work_is(login, demo_site, username, landing):
    page = login(username)
    assert re.search(landing, page.url), page.url
