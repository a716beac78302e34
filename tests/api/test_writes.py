"""Writes through the services: a lead's progress update, a performance officer's figure;
the services' refusals as JSON; Idempotency-Key; the body size limit."""

import datetime
import json

import pytest

from indicators.models import IndicatorValue
from milestones.models import ProgressUpdate
from plans.models import LockedMonth

pytestmark = pytest.mark.django_db


def post(client, url, body, **headers):
    return client.post(url, json.dumps(body), content_type="application/json", headers=headers)


def put(client, url, body, **headers):
    return client.put(url, json.dumps(body), content_type="application/json", headers=headers)


def update_body(milestone, **fields):
    return {
        "milestone": milestone.pk,
        "reporting_month": "2009-11",
        "status": "achieved",
        "note": "Going well",
    } | fields


def test_a_lead_posts_a_progress_update(api, plan_data, users):
    response = post(api["milestone_lead"], "/api/v1/progress-updates/", update_body(plan_data["mine"]))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "achieved" and body["reporting_month"] == "2009-11" and body["source"] == "submitted"
    update = ProgressUpdate.objects.get(pk=body["id"])
    assert update.author == users["milestone_lead"] and update.note == "Going well"
    assert api["milestone_lead"].get(f"/api/v1/milestones/{plan_data['mine'].pk}/").json()["note"] == "Going well"


def test_a_lead_cannot_update_someone_elses_milestone_and_scrutiny_cannot_update_at_all(api, plan_data):
    before = ProgressUpdate.objects.count()
    response = post(api["milestone_lead"], "/api/v1/progress-updates/", update_body(plan_data["later"]))
    assert response.status_code == 403
    assert response.json() == {"detail": "You can only update milestones you lead, or whose action you lead."}
    assert post(api["scrutiny_member"], "/api/v1/progress-updates/", update_body(plan_data["mine"])).status_code == 403
    assert ProgressUpdate.objects.count() == before


def test_a_locked_month_is_refused_with_the_services_message(api, plan_data):
    LockedMonth.objects.create(
        plan=plan_data["plan"], month=datetime.date(2009, 10, 1), reason="its snapshot was taken."
    )
    body = update_body(plan_data["mine"], reporting_month="2009-10")
    response = post(api["milestone_lead"], "/api/v1/progress-updates/", body)
    assert response.status_code == 400
    assert response.json() == {
        "reporting_month": ["Oct 2009 is locked: its snapshot was taken. Report on Nov 2009 instead."]
    }


def test_the_update_forms_rules_hold(api, plan_data):
    client = api["milestone_lead"]
    no_note = post(client, "/api/v1/progress-updates/", update_body(plan_data["mine"], status="not_on_track", note=""))
    assert no_note.status_code == 400
    assert no_note.json() == {"note": ["Say why the milestone is not on track and what support is needed."]}
    future = post(client, "/api/v1/progress-updates/", update_body(plan_data["mine"], reporting_month="2010-01"))
    assert future.status_code == 400 and "is in the future" in future.json()["reporting_month"][0]
    # Due 31 Oct, "on track" in November: the dates disagree, so a reason is needed (as on the form).
    flagged = post(client, "/api/v1/progress-updates/", update_body(plan_data["mine"], status="on_track"))
    assert flagged.status_code == 400
    assert flagged.json()["status_reason"][0].startswith("Reported on track but the due date, 31 Oct 2009, has passed.")
    with_reason = update_body(plan_data["mine"], status="on_track", status_reason="Interviews next week")
    assert post(client, "/api/v1/progress-updates/", with_reason).status_code == 201
    done = plan_data["done"]
    bad = post(client, "/api/v1/progress-updates/", {"milestone": done.pk, "status": "great"})
    assert bad.status_code == 400 and "status" in bad.json()


def test_another_councils_milestone_is_404(api, plan_data, northbridge):
    response = post(api["programme_manager"], "/api/v1/progress-updates/", update_body(northbridge["milestone"]))
    assert response.status_code == 404
    assert not northbridge["milestone"].updates.filter(note="Going well").exists()


def test_idempotency_key_replays_and_refuses_a_different_body(api, plan_data):
    client = api["milestone_lead"]
    body = update_body(plan_data["mine"])
    first = post(client, "/api/v1/progress-updates/", body, **{"Idempotency-Key": "abc-123"})
    again = post(client, "/api/v1/progress-updates/", body, **{"Idempotency-Key": "abc-123"})
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert ProgressUpdate.objects.filter(note="Going well").count() == 1
    other = post(client, "/api/v1/progress-updates/", body | {"note": "Changed"}, **{"Idempotency-Key": "abc-123"})
    assert other.status_code == 422
    assert "different request" in other.json()["detail"]
    fresh = post(client, "/api/v1/progress-updates/", body, **{"Idempotency-Key": "abc-124"})
    assert fresh.status_code == 201 and ProgressUpdate.objects.filter(note="Going well").count() == 2


def test_an_idempotency_key_is_per_user_and_expires(api, plan_data, users, settings):
    from api.models import IdempotencyRecord

    body = update_body(plan_data["mine"])
    post(api["milestone_lead"], "/api/v1/progress-updates/", body, **{"Idempotency-Key": "k1"})
    # Another user's same key is their own.
    manager = post(api["programme_manager"], "/api/v1/progress-updates/", body, **{"Idempotency-Key": "k1"})
    assert manager.status_code == 201 and "Idempotent-Replayed" not in manager
    IdempotencyRecord.objects.update(created_at=datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC))
    later = post(api["milestone_lead"], "/api/v1/progress-updates/", body, **{"Idempotency-Key": "k1"})
    assert later.status_code == 201 and "Idempotent-Replayed" not in later


def test_a_refused_write_is_not_remembered(api, plan_data):
    client = api["milestone_lead"]
    bad = update_body(plan_data["mine"], status="not_on_track", note="")
    assert post(client, "/api/v1/progress-updates/", bad, **{"Idempotency-Key": "k2"}).status_code == 400
    good = post(client, "/api/v1/progress-updates/", update_body(plan_data["mine"]), **{"Idempotency-Key": "k2"})
    assert good.status_code == 201


def figure(indicator, **fields):
    return {"indicator": indicator.pk, "period": "2009-10", "value": "61.5"} | fields


def test_a_performance_officer_posts_and_puts_a_figure(api, plan_data, users):
    client = api["performance_officer"]
    indicator = plan_data["indicator"]
    created = post(client, "/api/v1/indicator-values/", figure(indicator))
    assert created.status_code == 201, created.content
    value = IndicatorValue.objects.get(indicator=indicator, period=datetime.date(2009, 10, 1))
    assert value.value == 61.5 and value.entered_by == users["performance_officer"]
    replaced = post(client, "/api/v1/indicator-values/", figure(indicator, value=None, numerator=3, denominator=4))
    assert replaced.status_code == 200 and replaced.json()["value"] == "75.000"
    changed = put(client, f"/api/v1/indicator-values/{value.pk}/", {"no_data": True})
    assert changed.status_code == 200 and changed.json()["no_data"] is True and changed.json()["value"] is None
    (summary,) = client.get("/api/v1/indicators/").json()["results"]
    assert summary["latest"] == {"period": "2009-10", "label": "Oct 2009", "value": None, "no_data": True}


def test_figures_are_refused_for_other_roles_locked_months_and_bad_values(api, plan_data):
    indicator = plan_data["indicator"]
    refused = post(api["milestone_lead"], "/api/v1/indicator-values/", figure(indicator))
    assert refused.status_code == 403 and refused.json() == {"detail": "Your role in this plan does not allow that."}
    client = api["performance_officer"]
    LockedMonth.objects.create(
        plan=plan_data["plan"], month=datetime.date(2009, 9, 1), reason="its snapshot was taken."
    )
    locked = post(client, "/api/v1/indicator-values/", figure(indicator, period="2009-09"))
    assert locked.status_code == 400
    assert locked.json()["period"] == [
        "Sep 2009 is locked: its snapshot was taken. Its figures can no longer be entered or changed."
    ]
    too_big = post(client, "/api/v1/indicator-values/", figure(indicator, value="120"))
    assert too_big.status_code == 400 and "between 0 and 100" in too_big.json()["value"][0]
    missing = post(client, "/api/v1/indicator-values/", {"value": "1"})
    assert missing.status_code == 400 and set(missing.json()) == {"indicator", "period"}


def test_another_councils_figure_is_404(api, plan_data, northbridge):
    client = api["programme_manager"]
    assert post(client, "/api/v1/indicator-values/", figure(northbridge["indicator"])).status_code == 404
    assert put(client, f"/api/v1/indicator-values/{northbridge['value'].pk}/", {"value": "1"}).status_code == 404


def test_figure_idempotency(api, plan_data):
    client = api["performance_officer"]
    body = figure(plan_data["indicator"])
    first = post(client, "/api/v1/indicator-values/", body, **{"Idempotency-Key": "f1"})
    again = post(client, "/api/v1/indicator-values/", body, **{"Idempotency-Key": "f1"})
    assert first.status_code == again.status_code == 201 and again.json() == first.json()
    assert (
        post(
            client, "/api/v1/indicator-values/", figure(plan_data["indicator"], value="2"), **{"Idempotency-Key": "f1"}
        ).status_code
        == 422
    )


def test_a_body_over_the_limit_is_413_json(api, plan_data, settings):
    settings.API_MAX_BODY_BYTES = 1024
    body = update_body(plan_data["mine"], note="x" * 2000)
    response = post(api["milestone_lead"], "/api/v1/progress-updates/", body)
    assert response.status_code == 413
    assert response.json() == {"detail": "The request body is larger than 1024 bytes."}
    assert not ProgressUpdate.objects.filter(note__startswith="xxx").exists()


def test_only_json_is_accepted(api, plan_data):
    response = api["milestone_lead"].post("/api/v1/progress-updates/", update_body(plan_data["mine"]))
    assert response.status_code == 415
