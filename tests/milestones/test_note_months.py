"""One truth on every page: each progress note is shown with its reporting month, and an overdue
milestone shows the overdue badge in the dashboard's overdue list."""

import datetime

import pytest
from django.urls import reverse

from ..factories import ProgressUpdateFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def noted(milestone, plan_today):
    ProgressUpdateFactory(milestone=milestone, reporting_month=datetime.date(2009, 9, 1), note="Work has begun")
    return milestone


@pytest.mark.parametrize("role, page", [("milestone_lead", "mine"), ("scrutiny_member", "plan")])
def test_the_latest_note_is_shown_with_its_month(client, users, noted, role, page):
    client.force_login(users[role])
    url = reverse("milestones:mine") if page == "mine" else reverse("milestones:plan", args=[noted.action.plan.pk])
    html = client.get(url).content.decode()
    assert "Reported for Sep 2009</span>Work has begun" in html


def test_dashboard_overdue_list_shows_the_overdue_badge_and_note_month(client, users, noted, settings):
    settings.PLAN_TODAY = datetime.date(2009, 12, 1)  # the milestone fell due on 31 Oct 2009
    client.force_login(users["scrutiny_member"])
    html = client.get(reverse("reports:dashboard", args=[noted.action.plan.pk])).content.decode()
    overdue = html[html.index('id="h-overdue"') : html.index("</table>", html.index('id="h-overdue"'))]
    assert "status-overdue" in overdue and "Overdue" in overdue
    assert "Sep 2009:</span> Work has begun" in overdue
