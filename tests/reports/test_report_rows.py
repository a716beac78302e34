"""One overdue rule, one row type: the SQL annotation, the model, a frozen snapshot and the report
rows agree on every edge case; a filtered report reads the same rows live and from a snapshot."""

import datetime

import pytest

from milestones.models import Milestone
from milestones.querysets import judged_on
from milestones.services import slippage_record_create
from milestones.status import Status
from reports import dashboard, data
from reports.rows import MilestoneRow, milestone_rows
from reports.snapshots import current_snapshot, snapshot_create

from ..factories import ActionFactory, MilestoneFactory, ProgressUpdateFactory

pytestmark = pytest.mark.django_db

SEP, OCT, NOV = datetime.date(2009, 9, 1), datetime.date(2009, 10, 1), datetime.date(2009, 11, 1)
TODAY = datetime.date(2009, 11, 4)  # plan_today


def _milestone(action, name, due, *updates, revised=None):
    milestone = MilestoneFactory(action=action, description=name, due_date=due)
    for month, status in updates:
        ProgressUpdateFactory(milestone=milestone, reporting_month=month, status=status, note=f"{status}")
    if revised:
        slippage_record_create(
            milestone=milestone, author=None, reason_for_slippage="Re-planned", revised_completion_date=revised
        )
    return milestone


@pytest.fixture
def edge_cases(plan_today):
    """(plan, {description: (milestone, as at month, overdue expected)}): each judged as at that month
    (the demo's today, 4 Nov 2009, for November; the month's last day for earlier months)."""
    action = ActionFactory()
    on_track = Status.ON_TRACK
    cases = {
        "due today": (TODAY, [(NOV, on_track)], None, NOV, False),
        "due yesterday": (TODAY - datetime.timedelta(days=1), [(NOV, on_track)], None, NOV, True),
        "achieved late": (datetime.date(2009, 10, 15), [(OCT, on_track), (NOV, Status.ACHIEVED)], None, NOV, False),
        # Due 15 Sep and achieved in November: overdue as at September (judged on 30 Sep).
        "achieved late, as at a month before": (
            datetime.date(2009, 9, 15),
            [(SEP, on_track), (NOV, Status.ACHIEVED)],
            None,
            SEP,
            True,
        ),
        "revised due date": (datetime.date(2009, 10, 15), [(OCT, on_track)], datetime.date(2009, 12, 31), NOV, False),
        "revised due date passed": (
            datetime.date(2009, 9, 15),
            [(OCT, Status.NOT_ON_TRACK)],
            datetime.date(2009, 10, 30),
            NOV,
            True,
        ),
        "no due date": (None, [(NOV, Status.NOT_STARTED)], None, NOV, False),
        "due on the last day of the month, as at that month": (
            datetime.date(2009, 10, 31),
            [(OCT, on_track)],
            None,
            OCT,
            False,
        ),
        "due the day before the month ends, as at that month": (
            datetime.date(2009, 10, 30),
            [(OCT, on_track)],
            None,
            OCT,
            True,
        ),
        "not started, no update, past due": (datetime.date(2009, 10, 1), [], None, NOV, True),
    }
    made = {}
    for name, (due, updates, revised, month, expected) in cases.items():
        made[name] = (_milestone(action, name, due, *updates, revised=revised), month, expected)
    return action.plan, made


def test_the_overdue_rule_agrees_in_sql_the_model_a_snapshot_and_the_report_rows(edge_cases):
    plan, cases = edge_cases
    snapshots = {month: snapshot_create(plan=plan, period=month, kind="monthly") for month in {SEP, OCT, NOV}}
    for name, (milestone, month, expected) in cases.items():
        judged = judged_on(month)
        sql = Milestone.objects.with_current_status(as_at=month).get(pk=milestone.pk).is_overdue
        frozen = snapshots[month].milestones.get(milestone=milestone)
        live_row = next(r for r in milestone_rows(plan, as_at=month).rows() if r.pk == milestone.pk)
        frozen_row = MilestoneRow.from_frozen(frozen)
        assert sql is expected, name
        assert frozen.is_overdue is expected, name
        assert live_row.is_overdue is expected and frozen_row.is_overdue is expected, name
        assert live_row.status_reasons == frozen_row.status_reasons, name
        if month == NOV:  # the model judges today, on the latest status
            assert milestone.is_overdue() is expected, name
        assert Milestone.objects.with_current_status(today=judged).get(pk=milestone.pk).is_overdue is (
            milestone.is_overdue(today=judged)
        ), name


def test_a_frozen_row_reads_back_as_the_live_row_it_was_made_from(edge_cases):
    plan, _ = edge_cases
    snapshot = snapshot_create(plan=plan, period=NOV, kind="monthly")
    live = milestone_rows(plan, as_at=NOV).rows(records=True)
    frozen = milestone_rows(plan, snapshot=snapshot).rows()
    assert [row.__class__ for row in frozen] == [MilestoneRow] * len(live)
    # A snapshot keeps no action ids (its rows outlive the plan's changes); all else is the same.
    assert [(r.action.ref, r.action.title, r.action.theme) for r in frozen] == [
        (r.action.ref, r.action.title, r.action.theme) for r in live
    ]
    strip = lambda row: {k: v for k, v in vars(row).items() if k != "action"}  # noqa: E731
    assert [strip(r) for r in frozen] == [strip(r) for r in live]


FILTERS = [
    {"status": "on_track"},
    {"status": "not_on_track"},
    {"overdue": "true"},
    {"overdue": "false"},
    {"agency": "NHS"},
    {"agency": "Council", "overdue": "true"},
    {"status": "not_started", "overdue": "false"},
    {"due_after": "2009-09-01", "due_before": "2009-12-31"},
]


@pytest.mark.parametrize("filters", FILTERS, ids=lambda f: ",".join(f"{k}={v}" for k, v in f.items()))
def test_a_filtered_report_has_the_same_rows_live_and_from_the_snapshot_of_the_month(demo, filters):
    october = current_snapshot(demo, OCT)
    # The demo's October snapshot was taken on 4 November, before anything changed: the same month live.
    live = data.milestone_report(demo, as_at=OCT, filters=filters)
    frozen = data.milestone_report(demo, snapshot=october, filters=filters)
    assert live.rows == frozen.rows
    assert live.filters_applied == frozen.filters_applied and live.filters_applied
    assert live.totals == frozen.totals
    live_board = dashboard.dashboard(demo, as_at=OCT, filters=filters)
    frozen_board = dashboard.dashboard(demo, snapshot=october, filters=filters)
    for name in ("overdue_count", "due_soon_count", "totals"):
        assert getattr(live_board, name) == getattr(frozen_board, name), name
    assert [m.pk for m in live_board.overdue] == [m.pk for m in frozen_board.overdue]
    assert [m.pk for m in live_board.due_soon] == [m.pk for m in frozen_board.due_soon]


def test_a_filter_on_the_snapshot_runs_in_sql(demo, django_assert_num_queries):
    october = current_snapshot(demo, OCT)
    source = milestone_rows(demo, snapshot=october, filters={"overdue": "false", "agency": "NHS"})
    sql = str(source.queryset.query)
    assert "lead_agency" in sql and "is_overdue" in sql
    with django_assert_num_queries(1):
        rows = source.rows()
    assert rows and all(r.lead_agency == "NHS" and not r.is_overdue for r in rows)
