"""The API's read serializers lay rows out without DRF's per-field machinery (QuickReadSerializer):
every row every list returns must be exactly what DRF's own Serializer.to_representation gives."""

import datetime

import pytest
from rest_framework import serializers

from api.serializers import QuickReadSerializer
from reports.snapshots import snapshot_create

from .conftest import rows


@pytest.fixture
def compared(monkeypatch):
    """Lay every row out both ways; fail on the first difference. Returns the serializers compared."""
    seen = []
    quick = QuickReadSerializer.to_representation

    def both(self, instance):
        fast = quick(self, instance)
        assert fast == serializers.Serializer.to_representation(self, instance), type(self).__name__
        seen.append(type(self).__name__)
        return fast

    monkeypatch.setattr(QuickReadSerializer, "to_representation", both)
    return seen


def test_every_list_lays_out_rows_exactly_as_drf_does(api, plan_data, compared):
    plan = plan_data["plan"]
    snapshot = snapshot_create(plan=plan, period=datetime.date(2009, 10, 1), kind="monthly")
    client = api["programme_manager"]
    for url in (
        "/api/v1/actions/",
        "/api/v1/milestones/",
        f"/api/v1/milestones/?plan={plan.pk}&as_at=2009-09",
        f"/api/v1/milestones/?snapshot={snapshot.pk}",
        f"/api/v1/milestones/{plan_data['mine'].pk}/",
        "/api/v1/progress-updates/",
        "/api/v1/exceptions/",
        "/api/v1/indicators/",
        "/api/v1/indicators/?as_at=2009-08",
        "/api/v1/indicator-values/",
        "/api/v1/snapshots/",
        f"/api/v1/snapshots/{snapshot.pk}/milestones/",
        f"/api/v1/snapshots/{snapshot.pk}/indicators/",
    ):
        response = client.get(url)
        assert response.status_code == 200, (url, response.content)
        if "results" in response.json():
            assert rows(response), url
    # Nested rows too: an indicator's figures, years and latest period; an update's reviews.
    assert {
        "IndicatorSerializer",
        "IndicatorValueSerializer",
        "YearSerializer",
        "PeriodSerializer",
        "MilestoneSerializer",
        "ActionSerializer",
        "ProgressUpdateSerializer",
        "ExceptionSerializer",
        "IndicatorValueListSerializer",
        "SnapshotSerializer",
        "SnapshotMilestoneRowSerializer",
        "SnapshotIndicatorRowSerializer",
    } <= set(compared)


def test_unusual_rows_take_drfs_own_path():
    class Row(QuickReadSerializer):
        name = serializers.CharField(source="person.name", allow_null=True)
        count = serializers.IntegerField()
        label = serializers.CharField(source="get_label")
        extra = serializers.CharField(required=False)

    class Thing:
        person = None
        count = 3

        def get_label(self):
            return "called"

    thing = Thing()
    assert Row(thing).data == {"name": None, "count": 3, "label": "called"}
    assert Row(thing).data == serializers.Serializer.to_representation(Row(), thing)
    as_dict = {"person": {"name": "Ann"}, "count": "4", "get_label": "x", "extra": 5}
    assert Row(as_dict).data == {"name": "Ann", "count": 4, "label": "x", "extra": "5"}

    class Strict(QuickReadSerializer):
        name = serializers.CharField(source="person.name")

    with pytest.raises(AttributeError, match="Got AttributeError when attempting to get a value for field `name`"):
        Strict(thing).data  # noqa: B018 - DRF's own message, as before
