"""The scrutiny dashboard and the action status timeline: read through the report data layer,
so they work on live data and on any snapshot alike."""

import datetime
import hashlib
import time
from collections import Counter
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import timezone

from indicators.charts import sparkline_svg, stacked_bars_svg
from milestones.models import ProgressUpdate
from milestones.status import Status
from plans.models import Action
from safeguarding import dates

from . import data
from .rows import milestone_rows

DUE_SOON_DAYS = 60


LIST_LENGTH = 25
RECALCULATION_SECONDS = 30  # a recalculation that takes longer than this is taken to have failed
WAIT_SECONDS = 5  # how long a request waits for another's first calculation before doing its own


@dataclass
class Dashboard:
    header: data.ReportHeader
    filterset: object
    filters_applied: list
    theme_counts: list  # [data.ThemeCount]
    totals: Counter
    overdue: list  # the first LIST_LENGTH
    overdue_count: int
    due_soon: list  # the first LIST_LENGTH
    due_soon_count: int
    exceptions: data.ExceptionReport
    indicators: data.IndicatorReport
    status_chart: str
    judged_on: datetime.date
    statuses: list  # the scheme's statuses (SchemeStatus), plus any other shown in the counts

    @property
    def total(self):
        return sum(self.totals.values())


def _points(summary):
    """The indicator's recent values for a sparkline, live or frozen."""
    if hasattr(summary, "chart_data"):
        return [None if v is None else float(v) for _, v in summary.chart_data["points"]][-12:]
    return [None if v.value is None else float(v.value) for v in summary.indicator.report_values][-12:]


def dashboard(plan, *, as_at=None, snapshot=None, filters=None) -> Dashboard:
    """Counts and lists come from grouped, limited queries, live or on a snapshot's frozen rows
    alike, so the page costs the same whatever the plan's size."""
    source = milestone_rows(plan, as_at=as_at or dates.current_month(), snapshot=snapshot, filters=filters)
    as_at, judged_on, filterset = source.as_at, source.judged_on, source.filterset
    horizon = judged_on + datetime.timedelta(days=DUE_SOON_DAYS)
    matching = filterset.qs
    theme_counts = [data.ThemeCount(theme, counts) for theme, counts in source.status_counts(matching)]
    late = source.ordered(matching.filter(is_overdue=True), "effective_due")
    due = matching.exclude(current_status=Status.ACHIEVED).filter(effective_due__gte=judged_on)
    soon = source.ordered(due.filter(effective_due__lte=horizon), "effective_due")
    overdue_count, due_soon_count = late.count(), soon.count()
    overdue, due_soon = source.rows(late[:LIST_LENGTH]), source.rows(soon[:LIST_LENGTH])
    totals: Counter = Counter()
    for entry in theme_counts:
        totals.update(entry.counts)
    statuses = data.scheme_for(plan, snapshot).key(shown=[status for status, n in totals.items() if n])
    indicators = data.indicator_report(plan, as_at=as_at, snapshot=snapshot, with_charts=False)
    for section in indicators.sections:
        section.rows = [
            (s, sparkline_svg(_points(s), title=f"{s.indicator.code}, recent values", target=s.target))
            for s, _ in section.rows
        ]
    applied = source.filters_applied
    return Dashboard(
        header=data.header(plan, f"{plan.name}: Dashboard", as_at, snapshot),
        filterset=filterset,
        filters_applied=applied,
        theme_counts=theme_counts,
        totals=totals,
        overdue=overdue[:LIST_LENGTH],
        overdue_count=overdue_count,
        due_soon=due_soon[:LIST_LENGTH],
        due_soon_count=due_soon_count,
        exceptions=data.exception_report(plan, as_at=as_at, snapshot=snapshot),
        indicators=indicators,
        status_chart=stacked_bars_svg(
            [(entry.theme.name, entry.counts) for entry in theme_counts],
            statuses=statuses,
            title=f"Milestones by status for each {plan.group_label.lower()}",
        ),
        judged_on=judged_on,
        statuses=statuses,
    )


def dashboard_cache_key(plan, *, as_at=None, snapshot=None, filters=None) -> str:
    """One kept dashboard per plan, period, filters and day (overdue is judged against today)."""
    wanted = [
        plan.pk,
        snapshot.pk if snapshot else "",
        as_at or "",
        dates.today(),
        urlencode(sorted((filters or {}).items())),
    ]
    return "dashboard:" + hashlib.sha256(repr(wanted).encode()).hexdigest()


def dashboard_html(
    plan, *, as_at=None, snapshot=None, filters=None, recalculate=False
) -> tuple[str, datetime.datetime]:
    """-> (the dashboard's body rendered, when its figures were calculated).

    Kept in the cache for settings.DASHBOARD_CACHE_SECONDS: scrutiny members read it far more often
    than a minute's worth of updates changes it, and it is the dearest page to compute. The page
    says when its figures were calculated. One request at a time calculates them: when they are
    due, the others are given the kept ones; when none are kept yet, the others wait for them
    (up to WAIT_SECONDS), so a busy minute does not calculate them many times over.
    recalculate=True (for the people who change the plan) always recalculates, and keeps the result
    for everyone else."""
    seconds = settings.DASHBOARD_CACHE_SECONDS
    key = dashboard_cache_key(plan, as_at=as_at, snapshot=snapshot, filters=filters)
    if seconds and not recalculate:
        kept = cache.get(key)
        if kept and timezone.now() - kept[1] < datetime.timedelta(seconds=seconds):
            return kept
        if not cache.add(key + ":recalculating", True, timeout=RECALCULATION_SECONDS):
            kept = kept or _wait_for(key)  # another request is calculating them
            if kept:
                return kept
    board = dashboard(plan, as_at=as_at, snapshot=snapshot, filters=filters)
    context = {"plan": plan, "board": board, "snapshot": snapshot, "statuses": board.statuses}
    result = (render_to_string("reports/partials/dashboard_body.html", context), timezone.now())
    if seconds:
        cache.set(key, result, seconds * 5)  # kept past due, to give while one request recalculates
        cache.delete(key + ":recalculating")
    return result


def _wait_for(key):
    waited = 0.0
    while waited < WAIT_SECONDS:
        time.sleep(0.05)
        waited += 0.05
        if kept := cache.get(key):
            return kept
    return None


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
