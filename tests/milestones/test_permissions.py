"""The permission matrix: every role against every view, reads and writes."""

import datetime

import pytest
from django.urls import reverse

from milestones.models import Milestone, ProgressUpdate, SlippageRecord
from plans.models import Action, GlossaryTerm, Person, Plan, PlanApproval, PlanVersion, Theme

from ..factories import PersonFactory

pytestmark = pytest.mark.django_db

CYCLE = {"update_deadline_working_day": 5, "reminder_days_before": 3, "escalation_days_after": 3}
ROLES = ["programme_manager", "milestone_lead", "other_lead", "performance_officer", "scrutiny_member"]


@pytest.fixture
def world(milestone, plan_today):
    plan = milestone.action.plan
    version = PlanVersion.objects.create(plan=plan, label="V1.0", date=datetime.date(2009, 8, 31))
    term = GlossaryTerm.objects.create(plan=plan, term="JAR", definition="Joint Area Review")
    return {
        "milestone": milestone,
        "plan": plan,
        "action": milestone.action,
        "theme": milestone.action.theme,
        "version": version,
        "term": term,
        "person": milestone.lead,
    }


def write_views(w):
    """(url, valid POST data, model whose row count a successful POST changes)."""
    plan, action, theme = w["plan"], w["action"], w["theme"]
    return {
        "plan_create": (reverse("plans:create"), {"name": "New plan", "group_label": "Theme", **CYCLE}, Plan),
        "plan_edit": (
            reverse("plans:edit", args=[plan.pk]),
            {"name": "Renamed", "group_label": "Theme", **CYCLE},
            None,
        ),
        "theme_create": (reverse("plans:theme_create", args=[plan.pk]), {"name": "New theme", "order": 9}, Theme),
        "theme_edit": (reverse("plans:theme_edit", args=[theme.pk]), {"name": "Renamed theme", "order": 1}, None),
        "action_create": (
            reverse("plans:action_create", args=[plan.pk]),
            {"ref": "9.01", "title": "New action", "theme": theme.pk, "action_lead": w["person"].pk},
            Action,
        ),
        "action_edit": (
            reverse("plans:action_edit", args=[action.pk]),
            {"ref": action.ref, "title": "Renamed action", "theme": theme.pk, "action_lead": w["person"].pk},
            None,
        ),
        "version_create": (
            reverse("plans:version_create", args=[plan.pk]),
            {"label": "V2.0", "date": "2010-06-24"},
            PlanVersion,
        ),
        "approval_create": (
            reverse("plans:approval_create", args=[plan.pk]),
            {"version": w["version"].pk, "body": "Children's Trust", "date": "2010-06-24"},
            PlanApproval,
        ),
        "glossary_create": (
            reverse("plans:glossary_create", args=[plan.pk]),
            {"term": "LSCB", "definition": "Board"},
            GlossaryTerm,
        ),
        "glossary_edit": (
            reverse("plans:glossary_edit", args=[w["term"].pk]),
            {"term": "JAR", "definition": "Changed"},
            None,
        ),
        "person_create": (reverse("plans:person_create"), {"name": "New Lead", "agency": "NHS"}, Person),
        "person_edit": (
            reverse("plans:person_edit", args=[w["person"].pk]),
            {"name": "Sarah Peel", "agency": "Police"},
            None,
        ),
        "milestone_create": (
            reverse("milestones:create", args=[action.pk]),
            {"description": "New milestone", "due_date": "2009-12-31", "lead": w["person"].pk, "order": 5},
            Milestone,
        ),
        "milestone_edit": (
            reverse("milestones:edit", args=[w["milestone"].pk]),
            {"description": "Changed", "lead": w["person"].pk, "order": 1},
            None,
        ),
        "exception": (
            reverse("milestones:exception", args=[w["milestone"].pk]),
            {"reason_for_slippage": "Launch delayed", "revised_completion_date": "2009-11-30"},
            SlippageRecord,
        ),
        "progress_update": (
            reverse("milestones:update", args=[w["milestone"].pk]),
            {"reporting_month": "2009-11", "status": "not_on_track", "note": "Nov 2009 - Not on track: launch delayed"},
            ProgressUpdate,
        ),
    }


# Who may use each write view (everyone else gets 403).
ALLOWED = {
    name: {"programme_manager"}
    for name in [
        "plan_create",
        "plan_edit",
        "theme_create",
        "theme_edit",
        "action_create",
        "action_edit",
        "version_create",
        "approval_create",
        "glossary_create",
        "glossary_edit",
        "person_create",
        "person_edit",
        "milestone_create",
        "milestone_edit",
    ]
}
ALLOWED["progress_update"] = {"programme_manager", "milestone_lead"}
ALLOWED["exception"] = {"programme_manager", "milestone_lead"}

WRITE_VIEWS = sorted(ALLOWED)


def snapshot():
    """Everything a forbidden POST could change."""
    return [
        list(model.objects.order_by("pk").values())
        for model in (
            Plan,
            Theme,
            Action,
            Person,
            Milestone,
            ProgressUpdate,
            PlanVersion,
            PlanApproval,
            GlossaryTerm,
            SlippageRecord,
        )
    ]


@pytest.mark.parametrize("view", WRITE_VIEWS)
@pytest.mark.parametrize("role", ROLES)
def test_write_view_matrix(client, users, world, role, view):
    url, data, model = write_views(world)[view]
    client.force_login(users[role])
    allowed = role in ALLOWED[view]

    assert client.get(url).status_code == (200 if allowed else 403)

    before = snapshot()
    count = model.objects.count() if model else None
    response = client.post(url, data)
    if allowed:
        assert response.status_code == 302, response.content.decode()[:2000]
        if model:
            assert model.objects.count() == count + 1
        else:
            assert snapshot() != before
    else:
        assert response.status_code == 403
        assert snapshot() == before


def read_urls(w):
    return [
        reverse("plans:list"),
        reverse("plans:about", args=[w["plan"].pk]),
        reverse("plans:people"),
        reverse("milestones:plan", args=[w["plan"].pk]),
        reverse("milestones:mine"),
        reverse("milestones:detail", args=[w["milestone"].pk]),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_every_role_can_read_every_page(client, users, world, role):
    client.force_login(users[role])
    for url in read_urls(world):
        assert client.get(url).status_code == 200, url


def test_anonymous_users_are_sent_to_login_everywhere(client, world):
    urls = read_urls(world) + [url for url, _, _ in write_views(world).values()]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login")), url
        assert client.post(url, {}).status_code == 302, url


def test_scrutiny_member_sees_no_edit_control(client, users, world):
    client.force_login(users["scrutiny_member"])
    for url in read_urls(world):
        html = client.get(url).content.decode()
        for word in [
            "Edit",
            "Add action",
            "Add milestone",
            "Update<",
            "New lead",
            "Record a version",
            '<form method="post" novalidate',
        ]:
            assert word not in html, (url, word)


def test_action_lead_may_update_milestones_of_their_action(client, users, world):
    world["action"].action_lead = Person.objects.get(user=users["other_lead"])
    world["action"].save()
    client.force_login(users["other_lead"])
    url = reverse("milestones:update", args=[world["milestone"].pk])
    response = client.post(url, {"reporting_month": "2009-11", "status": "achieved", "note": "Nov 2009 - Achieved"})
    assert response.status_code == 302
    assert world["milestone"].updates.get().author == users["other_lead"]


def test_lead_role_without_being_the_lead_is_forbidden(client, users, world):
    """Holding the Milestone lead role is not enough: they must lead this milestone or its action."""
    client.force_login(users["other_lead"])
    response = client.post(
        reverse("milestones:update", args=[world["milestone"].pk]),
        {"reporting_month": "2009-11", "status": "achieved", "note": "forged"},
    )
    assert response.status_code == 403
    assert not ProgressUpdate.objects.exists()


def test_linked_person_without_lead_role_cannot_update(client, users, world):
    """A scrutiny member who is also named as a lead still may not write."""
    world["milestone"].lead.user = None
    world["milestone"].lead.save()
    PersonFactory(name="Cllr", user=users["scrutiny_member"])
    world["milestone"].lead = Person.objects.get(name="Cllr")
    world["milestone"].save()
    client.force_login(users["scrutiny_member"])
    response = client.post(
        reverse("milestones:update", args=[world["milestone"].pk]),
        {"reporting_month": "2009-11", "status": "achieved", "note": "x"},
    )
    assert response.status_code == 403
