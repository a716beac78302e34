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
from milestones.status import Status, status_flags
from plans.models import LockedMonth, Plan
from safeguarding import dates

from .models import Snapshot, SnapshotIndicator, SnapshotMilestone


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
    from .data import report_milestones

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
    )
    milestones = report_milestones(plan, period).prefetch_related(
        Prefetch(
            "slippage_records",
            queryset=SlippageRecord.objects.filter(created_at__lte=snapshot.taken_at).order_by("-created_at", "-id"),
            to_attr="frozen_records",
        )
    )
    judged_on = min(dates.today(), dates.month_end(period), timezone.localdate(snapshot.taken_at))
    SnapshotMilestone.objects.bulk_create(_freeze_milestone(snapshot, m, judged_on) for m in milestones)
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


def _freeze_milestone(snapshot, m, judged_on):
    """One milestone as it stood at the snapshot: re-plans counted from the exception records
    written by then, so a snapshot of an earlier month is right even when taken later."""
    records = m.frozen_records
    replans = [r for r in records if r.replanned]
    revised = replans[0].revised_completion_date if replans else None
    effective = revised or m.due_date
    return SnapshotMilestone(
        snapshot=snapshot,
        milestone=m,
        theme=m.action.theme.name,
        theme_order=m.action.theme.order,
        action_ref=m.action.ref,
        action_ref_sort_key=m.action.ref_sort_key,
        action_title=m.action.title,
        action_lead=str(m.action.action_lead),
        description=m.description,
        order=m.order,
        planned_start=m.planned_start,
        due_date=m.due_date,
        revised_due_date=revised,
        status=m.current_status,
        status_reason=m.current_status_reason,
        status_flags=status_flags(m.current_status, m.planned_start, effective, judged_on),
        note=m.current_note,
        note_month=m.current_month,
        lead=str(m.lead),
        lead_agency=m.lead.agency,
        is_overdue=bool(effective and m.current_status != Status.ACHIEVED and effective < judged_on),
        replan_count=len(replans),
        exception=_freeze_record(records[0]) if records else None,
    )


def _freeze_record(record):
    return {
        "reason_for_slippage": record.reason_for_slippage,
        "actions_to_achieve": record.actions_to_achieve,
        "support_required": record.support_required,
        "revised_completion_date": record.revised_completion_date.isoformat()
        if record.revised_completion_date
        else None,
        "other_milestones_impacted": record.other_milestones_impacted,
    }


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
class FrozenTheme:
    name: str
    order: int

    def __str__(self):
        return self.name


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
    """Snapshot rows shaped like annotated milestones (the attributes the templates read)."""
    themes, actions, rows = {}, {}, []
    for row in snapshot.milestones.all():
        theme = themes.setdefault(row.theme, FrozenTheme(row.theme, row.theme_order))
        action = actions.setdefault(
            row.action_ref,
            SimpleNamespace(
                ref=row.action_ref, title=row.action_title, action_lead=row.action_lead, theme=theme, pk=row.action_ref
            ),
        )
        record = None
        if row.exception:
            record = SimpleNamespace(**row.exception)
        rows.append(
            SimpleNamespace(
                pk=row.milestone_id,
                action=action,
                description=row.description,
                planned_start=row.planned_start,
                due_date=row.due_date,
                revised_due_date=row.revised_due_date,
                current_status=row.status,
                current_status_reason=row.status_reason,
                status_flags=row.status_flags,
                current_note=row.note,
                current_month=row.note_month,
                lead=row.lead,
                lead_agency=row.lead_agency,
                is_overdue=row.is_overdue,
                replan_count=row.replan_count,
                exception_record=record,
            )
        )
    return rows


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
