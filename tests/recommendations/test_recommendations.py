import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from milestones.status import Status
from plans import roles
from recommendations import services
from recommendations.models import Recommendation
from recommendations.rollup import RollUp, roll_up
from recommendations.selectors import recommendation_progress

from ..factories import (
    ActionFactory,
    MilestoneFactory,
    OrganisationFactory,
    PlanFactory,
    ProgressUpdateFactory,
    RecommendationFactory,
    SourceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

A, OT, NOT, NS = Status.ACHIEVED, Status.ON_TRACK, Status.NOT_ON_TRACK, Status.NOT_STARTED


@pytest.mark.parametrize(
    "milestones, expected",
    [
        ([], RollUp.NOT_COVERED),
        ([(A, False), (A, False)], RollUp.ACHIEVED),
        ([(A, False), (OT, False)], RollUp.ON_TRACK),
        ([(A, False), (NS, False)], RollUp.ON_TRACK),
        ([(NS, False), (NS, False)], RollUp.NOT_STARTED),
        ([(A, False), (NOT, False)], RollUp.AT_RISK),
        ([(A, False), (OT, True)], RollUp.AT_RISK),
        ([(NS, True)], RollUp.AT_RISK),
    ],
)
def test_the_roll_up_rule(milestones, expected):
    assert roll_up(milestones) == expected


def test_not_covered_and_at_risk_are_flagged():
    assert RollUp.NOT_COVERED.flagged and RollUp.AT_RISK.flagged
    assert not RollUp.ACHIEVED.flagged and not RollUp.ON_TRACK.flagged


@pytest.fixture
def plan_with_recommendations(plan_today):
    plan = PlanFactory()
    achieved = MilestoneFactory(action__plan=plan)
    ProgressUpdateFactory(milestone=achieved, status=Status.ACHIEVED)
    late = MilestoneFactory(action__plan=plan, due_date=datetime.date(2009, 9, 30))
    ProgressUpdateFactory(milestone=late, status=Status.ON_TRACK, note="Slipping: waiting for the board")
    source = SourceFactory(plan=plan)
    done = RecommendationFactory(source=source, ref="1", actions=[achieved.action])
    risky = RecommendationFactory(source=source, ref="2", actions=[achieved.action, late.action])
    uncovered = RecommendationFactory(source=source, ref="10")
    return plan, done, risky, uncovered


def test_each_recommendation_rolls_up_its_actions_milestones(plan_with_recommendations):
    plan, done, risky, uncovered = plan_with_recommendations
    progress = recommendation_progress(plan)
    by_ref = {row.recommendation.ref: row for row in progress.rows}
    assert [row.recommendation.ref for row in progress.rows] == ["1", "2", "10"]  # natural order
    assert by_ref["1"].rollup == RollUp.ACHIEVED
    assert by_ref["2"].rollup == RollUp.AT_RISK
    assert by_ref["10"].rollup == RollUp.NOT_COVERED
    assert [row.recommendation for row in progress.not_covered] == [uncovered]
    assert "Slipping: waiting for the board" in [m.current_note for m in by_ref["2"].latest_notes]


def test_the_recommendation_page_runs_a_fixed_number_of_queries(
    plan_with_recommendations, users, client, django_assert_max_num_queries
):
    plan, *_ = plan_with_recommendations
    source = SourceFactory(plan=plan, title="Progress review")
    for _ in range(15):
        RecommendationFactory(source=source, actions=[MilestoneFactory(action__plan=plan).action])
    client.force_login(users["scrutiny_member"])
    with django_assert_max_num_queries(14):
        response = client.get(reverse("recommendations:list", args=[plan.pk]))
    assert response.status_code == 200
    assert b"Not covered" in response.content


def test_an_action_may_answer_a_recommendation_of_another_plan_of_the_same_organisation(plan_today, users):
    source = SourceFactory()
    sister = ActionFactory(plan=PlanFactory(owner=source.plan.owner))
    recommendation = services.recommendation_create(
        actor=users["programme_manager"], source=source, ref="3", text="Improve", actions=[sister]
    )
    assert list(recommendation.actions.all()) == [sister]
    row = recommendation_progress(source.plan).rows[0]
    assert row.actions[0].other_plan


def test_an_action_of_another_organisation_is_refused(plan_today, users):
    source = SourceFactory()
    foreign = ActionFactory(plan=PlanFactory(owner=OrganisationFactory(name="Northbridge")))
    with pytest.raises(ValidationError) as refused:
        services.recommendation_create(
            actor=users["programme_manager"], source=source, ref="3", text="Improve", actions=[foreign]
        )
    assert "another organisation" in str(refused.value)
    assert not Recommendation.objects.exists()


def test_only_the_programme_manager_edits_recommendations(plan_today, users):
    source = SourceFactory()
    with pytest.raises(PermissionDenied):
        services.recommendation_create(actor=users["milestone_lead"], source=source, ref="1", text="x")
    with pytest.raises(PermissionDenied):
        services.source_create(actor=users["scrutiny_member"], plan=source.plan, body="Ofsted", title="x")


def test_a_duplicate_ref_is_refused_in_plain_english(plan_today, users):
    recommendation = RecommendationFactory(ref="4")
    with pytest.raises(ValidationError) as refused:
        services.recommendation_create(actor=None, source=recommendation.source, ref=" 4 ", text="Again")
    assert "already has a 4" in str(refused.value)


def test_the_programme_manager_adds_a_recommendation_through_the_page(plan_today, users, client):
    action = ActionFactory()
    source = SourceFactory(plan=action.plan)
    client.force_login(users["programme_manager"])
    url = reverse("recommendations:create", args=[action.plan.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"source": source.pk, "ref": "5", "kind": "area_for_improvement", "text": "Do it", "actions": [action.pk]}
    )
    assert response.status_code == 302
    recommendation = Recommendation.objects.get(ref="5")
    assert list(recommendation.actions.all()) == [action]
    assert recommendation.history.first().history_user == users["programme_manager"]
    client.force_login(users["milestone_lead"])
    assert client.get(url).status_code == 403


def test_a_source_is_added_and_edited_through_its_pages(plan_today, users, client):
    plan = PlanFactory()
    client.force_login(users["programme_manager"])
    response = client.post(
        reverse("recommendations:source_create", args=[plan.pk]),
        {"kind": "review", "body": "Ofsted", "title": "Progress review", "date": "2010-01-31"},
    )
    assert response.status_code == 302
    source = plan.recommendation_sources.get()
    response = client.post(
        reverse("recommendations:source_edit", args=[source.pk]),
        {"kind": "review", "body": "Ofsted, CQC and HMIC", "title": "Progress review", "date": "2010-01-31"},
    )
    assert response.status_code == 302
    source.refresh_from_db()
    assert source.body == "Ofsted, CQC and HMIC"
    assert roles.PROGRAMME_MANAGER in roles.plan_roles(users["programme_manager"], plan)


def test_a_member_of_another_council_gets_404(plan_today):
    recommendation = RecommendationFactory()
    stranger = UserFactory(role=roles.PROGRAMME_MANAGER, role__organisation=OrganisationFactory(name="Elsewhere"))
    from django.test import Client

    client = Client()
    client.force_login(stranger)
    assert client.get(reverse("recommendations:list", args=[recommendation.plan.pk])).status_code == 404
    assert client.get(reverse("recommendations:edit", args=[recommendation.pk])).status_code == 404
    assert client.get(reverse("recommendations:detail", args=[recommendation.pk])).status_code == 404


def test_a_recommendation_page_shows_its_actions_milestones_and_roll_up(
    plan_with_recommendations, users, client, django_assert_max_num_queries
):
    plan, done, risky, uncovered = plan_with_recommendations
    risky.actions.add(*[MilestoneFactory(action__plan=plan).action for _ in range(10)])
    client.force_login(users["scrutiny_member"])
    with django_assert_max_num_queries(12):  # a fixed number, however many actions answer it
        response = client.get(reverse("recommendations:detail", args=[risky.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<strong>At risk</strong>" in html  # the late milestone puts it at risk, as on the list
    assert "Slipping: waiting for the board" in html
    for action in risky.actions.all():
        assert f"#action-{action.pk}" in html
    assert reverse("recommendations:edit", args=[risky.pk]) not in html  # read-only for scrutiny
    # The list links each ref to its page, and the plan's tabs lead to the list.
    listing = client.get(reverse("recommendations:list", args=[plan.pk])).content.decode()
    assert reverse("recommendations:detail", args=[uncovered.pk]) in listing
    assert reverse("recommendations:edit", args=[uncovered.pk]) not in listing
    tabs = client.get(reverse("milestones:plan", args=[plan.pk])).content.decode()
    assert f'href="{reverse("recommendations:list", args=[plan.pk])}">Recommendations</a>' in tabs


def test_the_programme_manager_sees_the_edit_links(plan_with_recommendations, users, client):
    plan, done, risky, uncovered = plan_with_recommendations
    client.force_login(users["programme_manager"])
    page = client.get(reverse("recommendations:detail", args=[uncovered.pk])).content.decode()
    assert "Not covered" in page and "No action answers this recommendation yet." in page
    assert reverse("recommendations:edit", args=[uncovered.pk]) in page
    listing = client.get(reverse("recommendations:list", args=[plan.pk])).content.decode()
    assert reverse("recommendations:edit", args=[uncovered.pk]) in listing
    assert reverse("recommendations:create", args=[plan.pk]) in listing


def test_a_plan_level_manager_links_only_plans_they_are_a_member_of_and_keeps_others_links(plan_today, users):
    from plans.models import Role
    from tests.factories import UserFactory

    source = SourceFactory()
    sister = ActionFactory(plan=PlanFactory(owner=source.plan.owner), title="Sister plan's action")
    plan_manager = UserFactory(role=Role.PROGRAMME_MANAGER, role__plan=source.plan)  # of this plan only
    with pytest.raises(ValidationError) as refused:
        services.recommendation_create(actor=plan_manager, source=source, ref="4", text="Improve", actions=[sister])
    assert "you are a member of" in str(refused.value)
    # The organisation's manager links it; the plan's manager edits the text and the link stays.
    linked = services.recommendation_create(
        actor=users["programme_manager"], source=source, ref="5", text="Improve", actions=[sister]
    )
    own = ActionFactory(plan=source.plan)
    services.recommendation_update(actor=plan_manager, recommendation=linked, text="Improve now", actions=[own])
    assert set(linked.actions.all()) == {own, sister}
