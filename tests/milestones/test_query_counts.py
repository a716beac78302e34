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
    with django_assert_max_num_queries(15):
        response = client.get(reverse("milestones:plan", args=[big_plan.pk]))
    assert response.status_code == 200
    assert response.content.decode().count('class="status status-') > 2000


def test_filtered_plan_page_queries_are_bounded(client, users, big_plan, django_assert_max_num_queries):
    client.force_login(users["scrutiny_member"])
    with django_assert_max_num_queries(15):
        response = client.get(reverse("milestones:plan", args=[big_plan.pk]), {"status": "on_track", "overdue": "true"})
    assert response.status_code == 200


def test_my_milestones_queries_are_bounded(client, users, big_plan, django_assert_max_num_queries):
    client.force_login(users["milestone_lead"])
    with django_assert_max_num_queries(10):
        response = client.get(reverse("milestones:mine"))
    assert response.status_code == 200
    mine = response.context["mine"]
    assert mine.total >= 100  # lead of 1 in 20 people: their milestones and their actions' milestones
