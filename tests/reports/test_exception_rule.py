"""The exception report lists every milestone with an open exception record, as the council's does."""

import datetime
import json
from pathlib import Path

import pytest
from django.conf import settings

from milestones.models import Milestone, ProgressUpdate, SlippageRecord
from milestones.status import Status
from reports import data, rendering
from reports.snapshots import current_snapshot

pytestmark = pytest.mark.django_db

OCT = datetime.date(2009, 10, 1)
SEED_ROWS = json.loads((Path(settings.BASE_DIR) / "fixtures" / "haringey_oct2009_exceptions.json").read_text())


def keys(report):
    return [(row.milestone.action.ref, row.milestone.description[:30]) for row in report.rows]


@pytest.mark.parametrize("frozen", [False, True])
def test_demo_exception_report_has_every_row_of_seed_001(demo, frozen):
    snapshot = current_snapshot(demo, OCT) if frozen else None
    if frozen:
        assert snapshot is not None
    report = data.exception_report(demo, as_at=OCT, snapshot=snapshot)
    listed = keys(report)
    expected = [(row["action_ref"], row["milestone"][:30]) for row in SEED_ROWS]
    assert sorted(listed) == sorted(expected)
    resource = next(r for r in report.rows if r.milestone.description.startswith("Resource plan developed"))
    assert resource.milestone.current_status == Status.ON_TRACK  # listed for its open record, not its status
    assert resource.reasons == ["Open exception"]
    assert resource.revised_date == datetime.date(2010, 1, 31)  # as the record gives it
    demand = next(r for r in report.rows if r.milestone.action.ref == "1.23")
    assert demand.revised_date == datetime.date(2009, 11, 16)


def test_revised_dates_printed_as_the_record_gives_them(demo):
    part = rendering.report_part("exceptions", demo, OCT)
    html = rendering.render_html([part], part.label)
    assert "Jan 2010" in html  # a month-end date: the month, as "Jan-10" in the seed
    assert "16 Nov 2009" in html  # any other day in full


def test_achieved_milestone_with_an_old_record_is_not_listed(demo):
    milestone = Milestone.objects.get(description__startswith="Resource plan developed")
    ProgressUpdate.objects.create(
        milestone=milestone, reporting_month=OCT, status=Status.ACHIEVED, note="Approved by the Board"
    )
    assert SlippageRecord.objects.filter(milestone=milestone).exists()
    descriptions = [row.milestone.description for row in data.exception_report(demo, as_at=OCT).rows]
    assert milestone.description not in descriptions
    assert len(descriptions) == 12


def test_milestone_on_track_without_a_record_is_not_listed(demo):
    listed = {row.milestone.pk for row in data.exception_report(demo, as_at=OCT).rows}
    on_track = (
        Milestone.objects.for_plan(demo)
        .with_current_status(as_at=OCT)
        .filter(current_status=Status.ON_TRACK, is_overdue=False, slippage_records__isnull=True)
    )
    assert on_track.exists() and not listed & set(on_track.values_list("pk", flat=True))
