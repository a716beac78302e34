"""The scrutiny dashboard and the action status timeline: read through the report data layer,
so they work on live data and on any snapshot alike."""

import datetime
from dataclasses import dataclass

from indicators.charts import sparkline_svg, stacked_bars_svg
from milestones.models import ProgressUpdate
from milestones.status import Status
from plans.models import Action
from safeguarding import dates

from . import data

DUE_SOON_DAYS = 60


@dataclass
class Dashboard:
    milestones: data.MilestoneReport
    exceptions: data.ExceptionReport
    indicators: data.IndicatorReport
    overdue: list
    due_soon: list
    status_chart: str
    judged_on: datetime.date

    @property
    def header(self):
        return self.milestones.header

    @property
    def filterset(self):
        return self.milestones.filterset


def _points(summary):
    """The indicator's recent values for a sparkline, live or frozen."""
    if hasattr(summary, "chart_data"):
        return [None if v is None else float(v) for _, v in summary.chart_data["points"]][-12:]
    return [None if v.value is None else float(v.value) for v in summary.indicator.report_values][-12:]


def dashboard(plan, *, as_at=None, snapshot=None, filters=None) -> Dashboard:
    milestones = data.milestone_report(plan, as_at=as_at, snapshot=snapshot, filters=filters)
    as_at = milestones.header.as_at
    judged_on = min(dates.today(), dates.month_end(as_at))
    rows = [m for block in milestones.actions for m in block.milestones]
    horizon = judged_on + datetime.timedelta(days=DUE_SOON_DAYS)
    due_soon = sorted(
        (
            m
            for m in rows
            if m.current_status != Status.ACHIEVED
            and judged_on <= (m.revised_due_date or m.due_date or judged_on - datetime.timedelta(1)) <= horizon
        ),
        key=lambda m: m.revised_due_date or m.due_date,
    )
    indicators = data.indicator_report(plan, as_at=as_at, snapshot=snapshot, with_charts=False)
    for section in indicators.sections:
        section.rows = [
            (s, sparkline_svg(_points(s), title=f"{s.indicator.code}, recent values", target=s.target))
            for s, _ in section.rows
        ]
    status_chart = stacked_bars_svg(
        [(entry.theme.name, entry.counts) for entry in milestones.theme_counts],
        statuses=[(s.value, s.label) for s in Status],
        title=f"Milestones by status for each {plan.group_label.lower()}",
    )
    return Dashboard(
        milestones=milestones,
        exceptions=data.exception_report(plan, as_at=as_at, snapshot=snapshot),
        indicators=indicators,
        overdue=[m for m in rows if m.is_overdue],
        due_soon=due_soon,
        status_chart=status_chart,
        judged_on=judged_on,
    )


@dataclass
class Timeline:
    action: Action
    months: list
    rows: list  # [(milestone, [status or None per month])]


def action_timeline(action_pk, months=12, as_at=None) -> Timeline:
    """Each milestone of an action against the last `months` reporting months: the status reported each month."""
    action = Action.objects.select_related("plan", "theme", "action_lead").get(pk=action_pk)
    last = as_at or dates.current_month()
    columns = [last]
    while len(columns) < months:
        columns.insert(0, dates.previous_month(columns[0]))
    milestones = list(action.milestones.select_related("lead").order_by("order", "id"))
    reported = {}
    updates = ProgressUpdate.objects.filter(
        milestone__action=action, reporting_month__gte=columns[0], reporting_month__lte=last
    ).order_by("reporting_month", "created_at", "id")
    for update in updates:  # the latest update of each month wins
        reported[(update.milestone_id, update.reporting_month)] = update.status
    rows = [(m, [reported.get((m.pk, month)) for month in columns]) for m in milestones]
    return Timeline(action=action, months=columns, rows=rows)
