"""Status schemes: the plan's own words and colours, the rules reading only the status family."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from milestones import schemes, services
from milestones.schemes import BUILT_IN, SchemeKind, custom_statuses_clean
from milestones.status import Status
from plans import services as plan_services
from plans.models import Role
from reports import data
from reports.dashboard import dashboard
from reports.snapshots import snapshot_create
from tests.factories import MilestoneFactory, PersonFactory, PlanFactory, ProgressUpdateFactory, UserFactory

pytestmark = pytest.mark.django_db

OCT = datetime.date(2009, 10, 1)
EARLY = datetime.date(2009, 10, 15)  # passed by the end of October
LATER = datetime.date(2010, 3, 31)


def test_each_built_in_scheme_maps_its_words_to_families():
    rag, brag, four = BUILT_IN[SchemeKind.RAG], BUILT_IN[SchemeKind.BRAG], BUILT_IN[SchemeKind.FOUR]
    assert [rag.reading(w) for w in ("Red", "amber", " GREEN ", "Complete")] == [
        Status.NOT_ON_TRACK,
        Status.AT_RISK,
        Status.ON_TRACK,
        Status.ACHIEVED,
    ]
    assert brag.reading("Blue") == Status.ACHIEVED and brag.reading("Complete") is None
    assert four.label(Status.ON_TRACK) == "On track" and rag.label(Status.ON_TRACK) == "Green"
    # A family the scheme does not offer is still shown (a milestone with no update is not started).
    assert rag.label(Status.NOT_STARTED) == "Not started"
    # Shapes belong to families: Amber and At risk look alike whatever the words.
    assert rag.get(Status.AT_RISK).icon == four.get(Status.AT_RISK).icon != rag.get(Status.ON_TRACK).icon


@pytest.fixture
def rag_plan():
    return PlanFactory(status_scheme=SchemeKind.RAG)


def reported(plan, status, due, note="Progress this month"):
    milestone = MilestoneFactory(action__plan=plan, due_date=due, description=f"{status} due {due}")
    ProgressUpdateFactory(milestone=milestone, status=status, note=note)
    return milestone


def test_rag_plan_rules_read_families(rag_plan):
    red = reported(rag_plan, Status.NOT_ON_TRACK, LATER)
    amber_late = reported(rag_plan, Status.AT_RISK, EARLY)
    amber = reported(rag_plan, Status.AT_RISK, LATER)
    done_late = reported(rag_plan, Status.ACHIEVED, EARLY)
    report = data.exception_report(rag_plan, as_at=OCT)
    listed = {row.milestone.pk for row in report.rows}
    # Red is an exception; Amber only when it is also overdue; complete is never overdue.
    assert listed == {red.pk, amber_late.pk}
    assert amber.pk not in listed and done_late.pk not in listed
    board = dashboard(rag_plan, as_at=OCT)
    assert board.totals == {Status.NOT_ON_TRACK: 1, Status.AT_RISK: 2, Status.ACHIEVED: 1}
    assert board.overdue_count == 1
    assert [s.label for s in board.statuses] == ["Red", "Amber", "Green", "Complete"]
    assert ">Amber</text>" in board.status_chart and "At risk" not in board.status_chart


def test_pages_and_reports_print_the_plans_words(client, rag_plan):
    reported(rag_plan, Status.AT_RISK, LATER)
    manager = UserFactory(role=Role.PROGRAMME_MANAGER, role__plan=rag_plan)
    client.force_login(manager)
    page = client.get(reverse("milestones:plan", args=[rag_plan.pk])).content.decode()
    assert 'class="status status-at_risk status-c-amber"' in page and "Amber" in page
    assert "status-c-yellow" not in page  # "On track" yellow is the four-status colour
    report = client.get(reverse("reports:report", args=[rag_plan.pk, "milestones"]) + "?as_at=2009-10").content
    assert b"\xe2\x97\x86 Amber" in report  # "◆ Amber" in the printed table


def test_the_update_form_offers_only_the_plans_statuses(client, rag_plan):
    milestone = reported(rag_plan, Status.ON_TRACK, LATER)
    lead_user = UserFactory(role=Role.MILESTONE_LEAD, role__plan=rag_plan)
    milestone.lead.user = lead_user
    milestone.lead.save()
    client.force_login(lead_user)
    page = client.get(reverse("milestones:update", args=[milestone.pk])).content.decode()
    assert "Amber" in page and "Not on track" not in page and "Achieved" not in page


def test_a_status_outside_the_scheme_is_refused_with_the_plans_words():
    plan = PlanFactory()  # the four statuses
    lead = PersonFactory()
    user = UserFactory(role=Role.MILESTONE_LEAD, role__plan=plan)
    lead.user = user
    lead.save()
    milestone = MilestoneFactory(action__plan=plan, lead=lead, due_date=LATER)
    with pytest.raises(ValidationError) as refused:
        services.progress_update_create(
            milestone=milestone, author=user, reporting_month=OCT, status=Status.AT_RISK, note="Slipping"
        )
    assert "Achieved, On track, Not on track, Not started" in str(refused.value)


def test_at_risk_needs_a_note(rag_plan):
    lead = PersonFactory()
    user = UserFactory(role=Role.MILESTONE_LEAD, role__plan=rag_plan)
    lead.user = user
    lead.save()
    milestone = MilestoneFactory(action__plan=rag_plan, lead=lead, due_date=LATER)
    with pytest.raises(ValidationError) as refused:
        services.progress_update_create(milestone=milestone, author=user, reporting_month=OCT, status=Status.AT_RISK)
    assert "at risk" in str(refused.value)


@pytest.mark.parametrize(
    "entries, message",
    [
        ([{"status": "on_track", "label": "Fine"}], "One status must mean complete"),
        ([{"status": "achieved", "label": "Done"}, {"status": "on_track", "label": "done"}], "used twice"),
        ([{"status": "achieved", "label": "x" * 41}], "keep it to 40"),
        ([{"status": "finished", "label": "Done"}], "choose what it means"),
        ([{"status": "achieved", "label": "Done", "colour": "#ff0000"}], "choose a colour"),
        ([{"status": "achieved", "label": "Done"}, {"status": "achieved", "label": "Closed"}], "keep one"),
        ([], "at least one status"),
    ],
)
def test_own_labels_are_checked(entries, message):
    with pytest.raises(ValidationError) as refused:
        custom_statuses_clean(entries)
    assert message in str(refused.value)


def test_own_labels_are_set_in_the_plan_settings_and_shown(client):
    plan = PlanFactory()
    reported(plan, Status.AT_RISK, LATER)
    manager = UserFactory(role=Role.PROGRAMME_MANAGER)
    client.force_login(manager)
    url = reverse("plans:edit", args=[plan.pk])
    form = client.get(url).context["form"]
    posted = {k: v for k, v in form.initial.items() if v is not None and k not in ("custom_statuses",)}
    posted.update(
        owner=plan.owner_id,
        status_scheme="custom",
        label_achieved="Closed",
        colour_achieved="blue",
        label_at_risk="Watch <closely>",
        colour_at_risk="purple",
        label_on_track="",
    )
    posted = {k: ("" if v is None else v) for k, v in posted.items()}
    response = client.post(url, posted)
    assert response.status_code == 302, response.context["form"].errors
    plan.refresh_from_db()
    assert plan.status_scheme == "custom"
    assert [(e.label, e.colour) for e in plan.scheme.statuses] == [("Closed", "blue"), ("Watch <closely>", "purple")]
    page = client.get(reverse("milestones:plan", args=[plan.pk])).content.decode()
    assert "Watch &lt;closely&gt;" in page and "Watch <closely>" not in page
    # Without a "complete" label the form says so, and keeps what was typed.
    posted.update(label_achieved="", label_at_risk="Watch")
    response = client.post(url, posted)
    assert response.status_code == 200
    assert "One status must mean complete" in response.content.decode()
    assert 'value="Watch"' in response.content.decode()


def test_a_snapshot_keeps_the_words_it_was_shown_in(rag_plan):
    reported(rag_plan, Status.AT_RISK, LATER)
    snapshot = snapshot_create(plan=rag_plan, period=OCT, kind="monthly")
    plan_services.plan_update(actor=None, plan=rag_plan, status_scheme=SchemeKind.FOUR)
    rag_plan.refresh_from_db()
    assert data.scheme_for(rag_plan, snapshot).label(Status.AT_RISK) == "Amber"
    assert data.scheme_for(rag_plan).label(Status.AT_RISK) == "At risk"
    frozen = data.milestone_report(rag_plan, as_at=OCT, snapshot=snapshot)
    assert [s.label for s in frozen.statuses] == ["Red", "Amber", "Green", "Complete"]


def test_api_labels_follow_the_scheme(client, rag_plan):
    reported(rag_plan, Status.AT_RISK, LATER)
    client.force_login(UserFactory(role=Role.SCRUTINY_MEMBER, role__plan=rag_plan))
    rows = client.get("/api/v1/milestones/", {"plan": rag_plan.pk}, HTTP_ACCEPT="application/json").json()["results"]
    assert [(r["status"], r["status_label"]) for r in rows] == [("at_risk", "Amber")]


def test_colours_have_css():
    css = open("static/css/app.css").read() + open("templates/reports/report.css").read()
    for colour in schemes.COLOURS:
        assert f".status-c-{colour}" in css and f".st-c-{colour}" in css


@pytest.mark.parametrize("label", ["Achieved\u200b", "\u202eOn track", "At\x08risk", "Done\x1b[31m"])
def test_own_labels_refuse_hidden_and_direction_characters(label):
    with pytest.raises(ValidationError) as refused:
        custom_statuses_clean([{"status": "achieved", "label": "Done"}, {"status": "on_track", "label": label}])
    assert "no hidden characters" in str(refused.value)


def test_another_plans_milestones_on_a_recommendation_show_in_that_plans_words(client, rag_plan):
    from tests.factories import RecommendationFactory

    own_plan = PlanFactory()  # the four statuses
    amber = reported(rag_plan, Status.AT_RISK, LATER)
    recommendation = RecommendationFactory(source__plan=own_plan, actions=[amber.action])
    client.force_login(UserFactory(role=Role.PROGRAMME_MANAGER))
    for url in (
        reverse("recommendations:detail", args=[recommendation.pk]),
        reverse("recommendations:list", args=[own_plan.pk]),
    ):
        page = client.get(url).content.decode()
        assert "◆</span> Amber" in page and "◆</span> At risk" not in page, url


def test_the_status_chart_key_wraps_long_labels_inside_the_chart():
    from indicators.charts import stacked_bars_svg

    scheme = schemes.StatusScheme.from_json(
        {"statuses": [{"status": s.value, "label": f"{s.label} " + "x" * 30, "colour": "grey"} for s in Status]}
    )
    svg = stacked_bars_svg([("Workforce", {"achieved": 2, "at_risk": 1})], statuses=scheme.statuses, title="t")
    xs = [float(x) for x in re.findall(r'<text x="([\d.]+)" y="\d+">[A-Z]', svg)]
    assert xs and max(xs) < 720
    assert len(set(re.findall(r'<rect x="[\d.]+" y="(\d+)" width="14"', svg))) > 1  # more than one line
