"""Each role lands where its work is, and the menu shows only what the user can do."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "role, target",
    [
        ("milestone_lead", lambda plan: reverse("milestones:mine")),
        ("programme_manager", lambda plan: reverse("milestones:plan", args=[plan.pk])),
        ("performance_officer", lambda plan: reverse("indicators:list", args=[plan.pk])),
        ("scrutiny_member", lambda plan: reverse("reports:dashboard", args=[plan.pk])),
    ],
)
def test_each_role_lands_where_its_work_is(client, users, milestone, role, target):
    client.force_login(users[role])
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url == target(milestone.action.plan)


def menu(client, user):
    client.force_login(user)
    html = client.get(reverse("plans:list")).content.decode()
    return html[html.index('id="mainnav"') : html.index("</ul>", html.index('id="mainnav"'))]


def test_a_lead_who_leads_no_action_sees_no_sign_off_or_people(client, users, milestone):
    nav = menu(client, users["milestone_lead"])
    assert "My milestones" in nav and "Sign off" not in nav and "People" not in nav


def test_a_lead_who_leads_an_action_sees_sign_off(client, users, milestone):
    action = milestone.action
    action.action_lead = milestone.lead  # the lead's person, linked to their login
    action.save()
    assert "Sign off" in menu(client, users["milestone_lead"])


def test_programme_manager_sees_people_and_sign_off(client, users, milestone):
    nav = menu(client, users["programme_manager"])
    assert "People" in nav and "Sign off" in nav and "My milestones" in nav


def test_performance_officer_sees_indicators_not_milestone_work(client, users, milestone):
    nav = menu(client, users["performance_officer"])
    assert reverse("indicators:list", args=[milestone.action.plan.pk]) in nav
    assert "My milestones" not in nav and "Sign off" not in nav and "People" not in nav


def test_scrutiny_member_menu_has_no_write_pages(client, users, milestone):
    nav = menu(client, users["scrutiny_member"])
    assert "My milestones" not in nav and "Sign off" not in nav and "People" not in nav


def test_import_and_export_sit_together_on_the_about_page(client, users, milestone):
    client.force_login(users["programme_manager"])
    html = client.get(reverse("plans:about", args=[milestone.action.plan.pk])).content.decode()
    section = html[html.index('id="import-export"') :]
    assert reverse("reports:export", args=[milestone.action.plan.pk]) in section[:1500]
    assert reverse("reports:import") in section[:1500]
