"""Reads: milestones with current status, filters as on the plan page, as_at and snapshot reads,
history, exceptions, indicators with status and trend, snapshot rows, CSV."""

import csv
import datetime
import io

import pytest

from milestones.models import ProgressUpdate
from reports.snapshots import snapshot_create

from .conftest import rows

pytestmark = pytest.mark.django_db


def by_description(items):
    return {item["description"]: item for item in items}


def test_milestones_carry_current_status_latest_note_overdue_and_effective_due(api, plan_data):
    items = by_description(rows(api["scrutiny_member"].get("/api/v1/milestones/")))
    mine = items["Recruit managers"]
    assert mine["status"] == "not_on_track" and mine["status_label"] == "Not on track"
    assert mine["note"] == "=HYPERLINK(1)" and mine["note_month"] == "2009-10"
    assert mine["overdue"] is True and mine["effective_due_date"] == "2009-10-31"
    assert mine["action_ref"] == "1.01" and mine["theme_name"] == "Leadership"
    assert mine["lead_name"] == "Sarah Peel" and mine["lead_agency"] == "Council"
    assert mine["as_at"] == "2009-11" and mine["snapshot"] is None
    assert items["Publish protocol"]["status"] == "achieved" and items["Publish protocol"]["overdue"] is False
    later = items["Train health visitors"]
    assert later["status"] == "not_started" and later["note"] == "" and later["overdue"] is False
    assert later["status_flags"]  # planned to start in July, reported not started


def test_milestone_detail(api, plan_data):
    response = api["scrutiny_member"].get(f"/api/v1/milestones/{plan_data['mine'].pk}/")
    assert response.status_code == 200
    assert response.json()["id"] == plan_data["mine"].pk


@pytest.mark.parametrize(
    "query, expected",
    [
        ("status=achieved", {"Publish protocol"}),
        ("status=not_started", {"Train health visitors"}),
        ("overdue=true", {"Recruit managers"}),
        ("overdue=false", {"Publish protocol", "Train health visitors"}),
        ("agency=NHS", {"Train health visitors"}),
        ("due_after=2009-10-01&due_before=2009-12-31", {"Recruit managers"}),
    ],
)
def test_milestone_filters(api, plan_data, query, expected):
    assert set(by_description(rows(api["programme_manager"].get(f"/api/v1/milestones/?{query}")))) == expected


def test_milestone_filters_by_id(api, plan_data):
    client = api["programme_manager"]
    theme = plan_data["second"].theme_id
    assert set(by_description(rows(client.get(f"/api/v1/milestones/?theme={theme}")))) == {"Train health visitors"}
    lead = plan_data["nurse"].pk
    assert set(by_description(rows(client.get(f"/api/v1/milestones/?lead={lead}")))) == {"Train health visitors"}
    action_lead = plan_data["sarah"].pk
    found = set(by_description(rows(client.get(f"/api/v1/milestones/?action_lead={action_lead}"))))
    assert found == {"Recruit managers", "Publish protocol"}
    assert len(rows(client.get(f"/api/v1/milestones/?plan={plan_data['plan'].pk}"))) == 3
    assert rows(client.get("/api/v1/milestones/?plan=999999")) == []


def test_a_bad_filter_value_is_400_json(api, plan_data):
    response = api["programme_manager"].get("/api/v1/milestones/?status=excellent")
    assert response.status_code == 400
    assert "status" in response.json()


def test_as_at_reads_the_progress_reported_by_then(api, plan_data):
    items = by_description(rows(api["programme_manager"].get("/api/v1/milestones/?as_at=2009-09")))
    mine = items["Recruit managers"]
    assert mine["status"] == "on_track" and mine["note"] == "Sep" and mine["as_at"] == "2009-09"
    assert mine["overdue"] is False  # judged at the end of September; due 31 October
    assert api["programme_manager"].get("/api/v1/milestones/?as_at=soon").status_code == 400


def test_snapshot_reads_the_frozen_rows_and_filters_them(api, plan_data):
    snapshot = snapshot_create(plan=plan_data["plan"], period=datetime.date(2009, 9, 1), kind="monthly")
    # Progress after the snapshot does not change what it froze.
    ProgressUpdate.objects.create(
        milestone=plan_data["later"], reporting_month=datetime.date(2009, 11, 1), status="on_track", note="Later"
    )
    client = api["programme_manager"]
    items = by_description(rows(client.get(f"/api/v1/milestones/?snapshot={snapshot.pk}")))
    assert items["Recruit managers"]["status"] == "on_track"
    assert items["Recruit managers"]["snapshot"] == snapshot.pk
    assert items["Recruit managers"]["as_at"] == "2009-09"
    assert items["Recruit managers"]["id"] == plan_data["mine"].pk
    assert items["Train health visitors"]["status"] == "not_started"
    live = by_description(rows(client.get("/api/v1/milestones/")))
    assert live["Train health visitors"]["status"] == "on_track"
    theme = plan_data["second"].theme_id
    filtered = rows(client.get(f"/api/v1/milestones/?snapshot={snapshot.pk}&theme={theme}"))
    assert [item["description"] for item in filtered] == ["Train health visitors"]
    achieved = rows(client.get(f"/api/v1/milestones/?snapshot={snapshot.pk}&status=achieved"))
    assert [item["description"] for item in achieved] == ["Publish protocol"]
    assert client.get("/api/v1/milestones/?snapshot=999999").status_code == 404


def test_snapshot_rows_endpoints_and_csv(api, plan_data):
    snapshot = snapshot_create(plan=plan_data["plan"], period=datetime.date(2009, 10, 1), kind="monthly")
    client = api["scrutiny_member"]
    listed = rows(client.get(f"/api/v1/snapshots/?plan={plan_data['plan'].pk}"))
    assert [(s["id"], s["period"], s["superseded"]) for s in listed] == [(snapshot.pk, "2009-10", False)]
    milestones = rows(client.get(f"/api/v1/snapshots/{snapshot.pk}/milestones/"))
    mine = next(m for m in milestones if m["description"] == "Recruit managers")
    assert mine["status"] == "not_on_track" and mine["overdue"] is False  # due on the month's last day
    assert mine["exception_reason_for_slippage"] == "Recruitment freeze"
    indicators = rows(client.get(f"/api/v1/snapshots/{snapshot.pk}/indicators/"))
    assert [(i["code"], i["latest_value"], i["target"], i["status"]) for i in indicators] == [
        ("NI 59", "58.000", "60.000", "warning")
    ]
    response = client.get(f"/api/v1/snapshots/{snapshot.pk}/milestones/?format=csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert f'filename="snapshot-{snapshot.pk}-milestones.csv"' in response["Content-Disposition"]
    table = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(table) == 3
    assert {row["description"] for row in table} == {"Recruit managers", "Publish protocol", "Train health visitors"}
    note = next(row["note"] for row in table if row["description"] == "Recruit managers")
    assert note == "'=HYPERLINK(1)"  # a spreadsheet reads it as text, not a formula
    indicators_csv = client.get(f"/api/v1/snapshots/{snapshot.pk}/indicators/", headers={"Accept": "text/csv"})
    assert indicators_csv["Content-Type"].startswith("text/csv")
    assert list(csv.DictReader(io.StringIO(indicators_csv.content.decode())))[0]["code"] == "NI 59"


def test_csv_of_a_list_is_every_matching_row_flat(api, plan_data):
    response = api["programme_manager"].get("/api/v1/milestones/?format=csv&page_size=1")
    table = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(table) == 3  # no pages in CSV
    assert {"id", "status", "note", "overdue", "effective_due_date"} <= set(table[0])
    empty = api["programme_manager"].get("/api/v1/milestones/?format=csv&plan=999999")
    assert empty.content.decode().startswith("id,plan,action,")


def test_cursor_pagination(api, plan_data):
    client = api["programme_manager"]
    first = client.get("/api/v1/milestones/?page_size=2").json()
    assert len(first["results"]) == 2 and first["next"] and first["previous"] is None
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 1 and second["next"] is None
    ids = [m["id"] for m in first["results"] + second["results"]]
    assert ids == sorted(ids) and len(set(ids)) == 3


def test_progress_history_with_updated_since(api, plan_data):
    client = api["scrutiny_member"]
    history = rows(client.get(f"/api/v1/progress-updates/?milestone={plan_data['mine'].pk}"))
    assert {(u["reporting_month"], u["status"]) for u in history} == {
        ("2009-09", "on_track"),
        ("2009-10", "not_on_track"),
    }
    newest = max(ProgressUpdate.objects.values_list("created_at", flat=True))
    later = (newest + datetime.timedelta(seconds=1)).isoformat()
    assert rows(client.get("/api/v1/progress-updates/", {"updated_since": later})) == []
    assert len(rows(client.get("/api/v1/progress-updates/", {"updated_since": newest.isoformat()}))) >= 1


def test_exceptions(api, plan_data):
    records = rows(api["scrutiny_member"].get(f"/api/v1/exceptions/?plan={plan_data['plan'].pk}"))
    assert [(r["milestone"], r["reason_for_slippage"]) for r in records] == [
        (plan_data["mine"].pk, "Recruitment freeze")
    ]


def test_indicators_with_values_targets_status_and_trend(api, plan_data):
    client = api["scrutiny_member"]
    (indicator,) = rows(client.get("/api/v1/indicators/"))
    assert indicator["code"] == "NI 59" and indicator["as_at"] == "2009-11"
    assert indicator["latest"]["period"] == "2009-09" and indicator["latest"]["value"] == "58.000"
    assert indicator["previous"]["value"] == "50.000"
    assert indicator["trend"] == "improving" and indicator["trend_label"] == "Improving"
    assert indicator["ytd"] == "58.000" and indicator["target"] == "60.000"
    assert indicator["status"] == "warning"  # 2 short of 60, tolerance 5
    assert indicator["years"] == [
        {
            "year": 2009,
            "label": "2009/10",
            "target": "60.000",
            "tolerance": "5.000",
            "tolerance_kind": "absolute",
            "outturn": None,
        }
    ]
    assert [v["period"] for v in indicator["values"]] == ["2009-08", "2009-09"]
    (as_at,) = rows(client.get("/api/v1/indicators/?as_at=2009-08"))
    assert as_at["latest"]["period"] == "2009-08" and as_at["trend"] is None
    assert [v["period"] for v in as_at["values"]] == ["2009-08"]


def test_indicator_values_list_with_updated_since(api, plan_data):
    client = api["performance_officer"]
    values = rows(client.get(f"/api/v1/indicator-values/?indicator={plan_data['indicator'].pk}"))
    assert [(v["period"], v["value"], v["code"]) for v in values] == [
        ("2009-08", "50.000", "NI 59"),
        ("2009-09", "58.000", "NI 59"),
    ]
    future = (datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=1)).isoformat()
    assert rows(client.get("/api/v1/indicator-values/", {"updated_since": future})) == []


def test_plans_themes_actions_organisations(api, plan_data, users):
    client = api["milestone_lead"]
    (plan,) = rows(client.get("/api/v1/plans/"))
    assert plan["name"] == "Haringey plan" and plan["my_roles"] == ["Milestone lead"]
    assert {t["name"] for t in rows(client.get(f"/api/v1/themes/?plan={plan['id']}"))} == {"Leadership", "Practice"}
    actions = rows(client.get("/api/v1/actions/"))
    assert [(a["ref"], a["action_lead_name"]) for a in actions] == [("1.01", "Sarah Peel"), ("2.01", "Nina Nurse")]
    assert [o["name"] for o in rows(client.get("/api/v1/organisations/"))] == ["Haringey Council"]


def test_the_api_root_lists_the_endpoints(api, plan_data):
    response = api["scrutiny_member"].get("/api/v1/")
    assert response.status_code == 200
    assert "milestones" in response.json()
