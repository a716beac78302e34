"""Snapshots: freeze a plan's milestones and indicators for a month, and read them back
in the shapes the report templates lay out, so a report as at a snapshot shows exactly
what was reported that day."""

from dataclasses import dataclass
from decimal import Decimal
from types import SimpleNamespace

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from indicators import rules
from indicators.models import Benchmark, Indicator
from indicators.selectors import benchmark_lines
from milestones.models import SlippageRecord
from milestones.querysets import judged_on
from plans.models import LockedMonth, Plan
from safeguarding import dates

from .models import Snapshot, SnapshotIndicator, SnapshotMilestone
from .rows import MilestoneRow, live_milestones


class SnapshotExists(Exception):
    def __init__(self, snapshot):
        self.snapshot = snapshot
        super().__init__(
            f"The {snapshot.get_kind_display().lower()} snapshot for {snapshot.period_label} already exists "
            f"(taken {timezone.localtime(snapshot.taken_at):%d %b %Y %H:%M} by {snapshot.taken_by_label})."
        )


def current_snapshot(plan, period, kind=None):
    """The snapshot in force for a month: the latest taken that has not been retaken."""
    snapshots = Snapshot.objects.filter(plan=plan, period=period, retaken_by__isnull=True)
    if kind:
        snapshots = snapshots.filter(kind=kind)
    return snapshots.select_related("plan", "taken_by").order_by("-taken_at").first()


def snapshot_choices(plan, limit=24):
    """The snapshots in force, newest month first, for a period selector."""
    return Snapshot.objects.filter(plan=plan, retaken_by__isnull=True).order_by("-period")[:limit]


def _text(value):
    return None if value is None else str(value)


def _num(value):
    return None if value is None else Decimal(value)


@transaction.atomic
def snapshot_create(*, plan, period, kind, taken_by=None, by_schedule=False, retake=False, taken_at=None) -> Snapshot:
    """Take the snapshot of a plan for a month. Taking it twice says it exists, unless retake.

    taken_at is for loading a historical plan (the demo); otherwise it is now.
    """
    period = period.replace(day=1)
    Plan.objects.select_for_update().get(pk=plan.pk)  # one snapshot at a time per plan
    existing = current_snapshot(plan, period, kind)
    if existing and not retake:
        raise SnapshotExists(existing)
    snapshot = Snapshot.objects.create(
        plan=plan,
        period=period,
        kind=kind,
        taken_by=taken_by,
        by_schedule=by_schedule,
        retake_of=existing,
        taken_at=taken_at or timezone.now(),
        status_scheme=plan.scheme.as_json(),
    )
    # Judged as the reports judge it (milestones.querysets.overdue_rule), on the day taken
    # if that is before the month's end, with the re-plans recorded by then.
    judged = judged_on(period, min(dates.today(), timezone.localdate(snapshot.taken_at)))
    milestones = live_milestones(plan, period, today=judged, until=snapshot.taken_at).prefetch_related(
        Prefetch(
            "slippage_records",
            queryset=SlippageRecord.objects.filter(created_at__lte=snapshot.taken_at).order_by("-created_at", "-id"),
            to_attr="frozen_records",
        )
    )
    SnapshotMilestone.objects.bulk_create(
        _freeze_milestone(snapshot, MilestoneRow.from_milestone(m, judged, next(iter(m.frozen_records), None)))
        for m in milestones
    )
    indicators = (
        Indicator.objects.for_plan(plan)
        .with_report_data(period)
        .prefetch_related(
            Prefetch("benchmarks", queryset=Benchmark.objects.select_related("comparator"), to_attr="report_benchmarks")
        )
    )
    SnapshotIndicator.objects.bulk_create(
        SnapshotIndicator(
            snapshot=snapshot,
            indicator=indicator,
            section=indicator.section.name,
            section_order=indicator.section.order,
            order=indicator.order,
            code=indicator.code,
            figures=_freeze_indicator(indicator, indicator.summarise(period)),
        )
        for indicator in indicators
    )
    who = "the schedule" if by_schedule else snapshot.taken_by_label
    LockedMonth.objects.get_or_create(
        plan=plan,
        month=period,
        defaults={
            "reason": f"its {kind} snapshot was taken on {timezone.localtime(snapshot.taken_at):%d %b %Y} by {who}."
        },
    )
    return snapshot


def _freeze_milestone(snapshot, row):
    """One milestone's report row as it stood at the snapshot (MilestoneRow.from_frozen reads it back)."""
    return SnapshotMilestone(
        snapshot=snapshot,
        milestone_id=row.pk,
        theme=row.action.theme.name,
        theme_order=row.action.theme.order,
        action_ref=row.action.ref,
        action_ref_sort_key=row.action.ref_sort_key,
        action_title=row.action.title,
        action_lead=row.action.action_lead,
        description=row.description,
        order=row.order,
        planned_start=row.planned_start,
        due_date=row.due_date,
        revised_due_date=row.revised_due_date,
        status=row.current_status,
        status_reason=row.current_status_reason,
        status_flags=row.status_flags,
        note=row.current_note,
        note_month=row.current_month,
        lead=row.lead,
        lead_agency=row.lead_agency,
        is_overdue=row.is_overdue,
        replan_count=row.replan_count,
        exception=row.exception_record.frozen() if row.exception_record else None,
    )


def _freeze_period(indicator, row):
    if row is None:
        return None
    return {"label": row.label, "value": _text(row.value), "no_data": row.no_data}


def _freeze_indicator(indicator, summary):
    target = summary.target
    values = indicator.report_values[-24:]
    commentary = summary.commentary
    return {
        "title": indicator.title,
        "unit": indicator.unit,
        "decimal_places": indicator.decimal_places,
        "last_year_outturn": _text(summary.last_year_outturn),
        "last_year_label": summary.last_year_label,
        "previous": _freeze_period(indicator, summary.previous),
        "latest": _freeze_period(indicator, summary.latest),
        "trend": summary.trend.value if summary.trend else None,
        "ytd": _text(summary.ytd.value),
        "ytd_computed": summary.ytd.computed,
        "status": summary.status.value,
        "target": _text(target),
        "year_label": summary.year_label,
        "commentary": {
            "commentary": commentary.commentary,
            "current_activities": commentary.current_activities,
            "best_practice": commentary.best_practice,
        }
        if commentary
        else None,
        "chart": {
            "points": [[indicator.period_label(v.period), _text(v.value)] for v in values],
            "target": [f"Target {summary.year_label}", _text(target)] if target is not None else None,
            "benchmarks": [
                [line.label, _text(line.value)] for line in benchmark_lines(indicator.report_benchmarks, summary.year)
            ],
        },
    }


# Reading back ------------------------------------------------------------------------------


@dataclass
class FrozenIndicator:
    code: str
    title: str
    unit: str
    decimal_places: int

    def format_value(self, value):
        if value is None:
            return ""
        value = Decimal(value).quantize(Decimal(1).scaleb(-self.decimal_places))
        return f"{value}%" if self.unit == "percentage" else f"{value}"


@dataclass
class FrozenSummary:
    indicator: FrozenIndicator
    last_year_outturn: Decimal | None
    last_year_label: str
    previous: object
    latest: object
    trend: rules.Trend | None
    ytd: rules.YearToDate
    status: rules.PIStatus
    target: Decimal | None
    year_label: str
    commentary: object
    chart_data: dict

    def fmt(self, value):
        return self.indicator.format_value(value)


def frozen_milestones(snapshot):
    """A snapshot's milestones as report rows (the same MilestoneRow the live reports use)."""
    return [MilestoneRow.from_frozen(row) for row in snapshot.milestones.all()]


def _period(data):
    return SimpleNamespace(label=data["label"], value=_num(data["value"]), no_data=data["no_data"]) if data else None


def frozen_summaries(snapshot):
    """[(section name, section order, FrozenSummary)] in report order."""
    result = []
    for row in snapshot.indicators.all():
        f = row.figures
        summary = FrozenSummary(
            indicator=FrozenIndicator(row.code, f["title"], f["unit"], f["decimal_places"]),
            last_year_outturn=_num(f["last_year_outturn"]),
            last_year_label=f["last_year_label"],
            previous=_period(f["previous"]),
            latest=_period(f["latest"]),
            trend=rules.Trend(f["trend"]) if f["trend"] else None,
            ytd=rules.YearToDate(_num(f["ytd"]), f["ytd_computed"]),
            status=rules.PIStatus(f["status"]),
            target=_num(f["target"]),
            year_label=f["year_label"],
            commentary=SimpleNamespace(**f["commentary"]) if f["commentary"] else None,
            chart_data=f["chart"],
        )
        result.append((row.section, row.section_order, summary))
    return result
