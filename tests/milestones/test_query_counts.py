"""Pages run a bounded number of queries whatever the plan size (2,000 milestones here)."""

import pytest
from django.urls import reverse

from milestones.generated import generated_plan_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def big_plan(users):
    return generated_plan_create(milestones=2000, lead_users=[users["milestone_lead"]])


def test_plan_page_queries_are_bounded(client, users, big_plan, django_assert_max_num_queries):
    client.force_login(users["programme_manager"])
    with django_assert_max_num_queries(20):
        response = client.get(reverse("milestones:plan", args=[big_plan.pk]))
    assert response.status_code == 200
    page = response.context["page"]
    assert page.milestone_count == 2000  # the counts cover the whole plan
    shown = sum(len(row.milestones) for group in page.themes for row in group.actions)
    assert shown == 30 * 5  # a page of 30 actions of 5 milestones
    with django_assert_max_num_queries(20):
        last = client.get(reverse("milestones:plan", args=[big_plan.pk]), {"page": 14})
    # 400 actions at 30 a page: the 14th page holds the last 10 actions, 50 milestones.
    assert sum(len(row.milestones) for group in last.context["page"].themes for row in group.actions) == 50


def test_plan_page_queries_are_bounded_for_a_lead(client, users, big_plan, django_assert_max_num_queries):
    """A lead sees an Update link only where they may update: decided without a query per row
    (supporting leads come prefetched)."""
    client.force_login(users["milestone_lead"])
    with django_assert_max_num_queries(22):
        response = client.get(reverse("milestones:plan", args=[big_plan.pk]))
    assert response.status_code == 200


def test_filtered_plan_page_queries_are_bounded(client, users, big_plan, django_assert_max_num_queries):
    client.force_login(users["scrutiny_member"])
    with django_assert_max_num_queries(20):
        response = client.get(reverse("milestones:plan", args=[big_plan.pk]), {"status": "on_track", "overdue": "true"})
    assert response.status_code == 200


def test_my_milestones_queries_are_bounded(client, users, big_plan, django_assert_max_num_queries):
    client.force_login(users["milestone_lead"])
    with django_assert_max_num_queries(10):
        response = client.get(reverse("milestones:mine"))
    assert response.status_code == 200
    mine = response.context["mine"]
    assert mine.total >= 100  # lead of 1 in 20 people: their milestones and their actions' milestones
