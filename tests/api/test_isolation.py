"""Another organisation's plan: absent from every list, 404 on every detail, for every role."""

import datetime

import pytest

from reports.snapshots import snapshot_create

from .conftest import rows, token_client

pytestmark = pytest.mark.django_db

LISTS = [
    "organisations",
    "plans",
    "themes",
    "actions",
    "milestones",
    "progress-updates",
    "exceptions",
    "indicators",
    "indicator-values",
    "snapshots",
]


@pytest.fixture
def both(plan_data, northbridge):
    snapshot = snapshot_create(plan=northbridge["plan"], period=datetime.date(2009, 9, 1), kind="monthly")
    return plan_data, northbridge | {"snapshot": snapshot}


def foreign_details(nb):
    return [
        f"/api/v1/organisations/{nb['council'].pk}/",
        f"/api/v1/plans/{nb['plan'].pk}/",
        f"/api/v1/themes/{nb['theme'].pk}/",
        f"/api/v1/actions/{nb['action'].pk}/",
        f"/api/v1/milestones/{nb['milestone'].pk}/",
        f"/api/v1/progress-updates/{nb['update'].pk}/",
        f"/api/v1/exceptions/{nb['exception'].pk}/",
        f"/api/v1/indicators/{nb['indicator'].pk}/",
        f"/api/v1/indicator-values/{nb['value'].pk}/",
        f"/api/v1/snapshots/{nb['snapshot'].pk}/",
        f"/api/v1/snapshots/{nb['snapshot'].pk}/milestones/",
        f"/api/v1/snapshots/{nb['snapshot'].pk}/indicators/",
        f"/api/v1/milestones/?snapshot={nb['snapshot'].pk}",
    ]


def test_no_role_sees_another_councils_rows(api, both):
    _, nb = both
    for role, client in api.items():
        for name in LISTS:
            for fmt in ("json", "csv"):
                response = client.get(f"/api/v1/{name}/?format={fmt}&plan={nb['plan'].pk}")
                assert response.status_code == 200, (role, name)
                assert b"Northbridge" not in response.content, (role, name, fmt)
                whole = client.get(f"/api/v1/{name}/?format={fmt}")
                assert b"Northbridge" not in whole.content, (role, name, fmt)
        for url in foreign_details(nb):
            response = client.get(url)
            assert response.status_code == 404, (role, url, response.status_code)
            assert b"Northbridge" not in response.content


def test_the_other_councils_manager_sees_only_their_plan(both):
    haringey, nb = both
    client = token_client(nb["manager"])
    (plan,) = rows(client.get("/api/v1/plans/"))
    assert plan["id"] == nb["plan"].pk and plan["my_roles"] == ["Programme manager"]
    assert {m["id"] for m in rows(client.get("/api/v1/milestones/"))} == {nb["milestone"].pk}
    assert client.get(f"/api/v1/milestones/{haringey['mine'].pk}/").status_code == 404
    assert [o["name"] for o in rows(client.get("/api/v1/organisations/"))] == ["Northbridge Borough Council"]


def test_a_user_without_membership_sees_nothing(both):
    from django.contrib.auth import get_user_model

    stranger = get_user_model().objects.create_user("stranger", password="pw")
    client = token_client(stranger)
    for name in LISTS:
        assert rows(client.get(f"/api/v1/{name}/")) == [], name
