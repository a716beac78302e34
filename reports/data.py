"""The report data layer: plain data for each report, used by the HTML pages, the PDFs
and the command line alike. Templates only lay this out.

Every function takes a plan and an "as at" month (default: the current month)
and runs a fixed number of queries whatever the plan's size.
"""

from collections import Counter
from dataclasses import dataclass, field, replace
from decimal import Decimal
from types import SimpleNamespace

from django.db.models import Prefetch, Q

from indicators.charts import Line, line_chart_svg
from indicators.models import Benchmark, Indicator, Section
from indicators.selectors import STATUS_KEY, TREND_KEY, indicator_chart
from milestones.filters import MilestoneFilter
from milestones.models import Milestone, SlippageRecord
from milestones.status import Status
from plans.models import GlossaryTerm, Plan
from safeguarding import dates

from .snapshots import frozen_milestones, frozen_summaries


@dataclass
class ReportHeader:
    plan: Plan
    title: str
    as_at: object
    generated_on: object
    snapshot: object = None  # the Snapshot the report reads, if any

    @property
    def as_at_label(self):
        return dates.month_long_label(self.as_at)

    @property
    def council(self):
        return self.plan.organisation or self.plan.name


def header(plan, title, as_at, snapshot=None):
    return ReportHeader(plan=plan, title=title, as_at=as_at, generated_on=dates.today(), snapshot=snapshot)


def _as_at(as_at):
    return as_at or dates.current_month()


# Milestone report ----------------------------------------------------------------------------


@dataclass
class ActionBlock:
    action: object
    milestones: list = field(default_factory=list)


@dataclass
class ThemeCount:
    theme: object
    counts: Counter

    @property
    def total(self):
        return sum(self.counts.values())


@dataclass
class MilestoneReport:
    header: ReportHeader
    actions: list
    theme_counts: list  # [ThemeCount]
    totals: Counter
    statuses: list
    filters_applied: list
    continued: bool = False  # a later chunk: table rows only
    filterset: object = None

    def chunks(self, rows_per_chunk):
        """Split into reports of about rows_per_chunk milestones (whole actions), laid out separately."""
        groups, current, size = [], [], 0
        for block in self.actions:
            current.append(block)
            size += len(block.milestones)
            if size >= rows_per_chunk:
                groups.append(current)
                current, size = [], 0
        if current or not groups:
            groups.append(current)
        return [replace(self, actions=group, continued=n > 0) for n, group in enumerate(groups)]

    @property
    def milestone_count(self):
        return sum(len(block.milestones) for block in self.actions)

    @property
    def rows(self):
        """(action ref, milestone description, status) for every row, for comparisons."""
        return [(b.action.ref, m.description, m.current_status) for b in self.actions for m in b.milestones]


def report_milestones(plan, as_at):
    return (
        Milestone.objects.for_plan(plan)
        .with_current_status(as_at=as_at)
        .with_replan_count()
        .with_leads()
        .order_by("action__ref_sort_key", "order", "id")
    )


def milestone_report(plan, *, as_at=None, filters=None, snapshot=None) -> MilestoneReport:
    """The seed's milestone report: milestones grouped under their action, actions in ref order.

    With a snapshot, the rows are the snapshot's, exactly as frozen.
    """
    as_at = snapshot.period if snapshot else _as_at(as_at)
    filterset = MilestoneFilter(filters or None, queryset=report_milestones(plan, as_at), plan=plan)
    if snapshot:
        milestones = filter_frozen(frozen_milestones(snapshot), filterset)
    else:
        milestones = filterset.qs.order_by("action__ref_sort_key", "order", "id")
    blocks: dict = {}
    by_theme: dict[str, ThemeCount] = {}
    totals: Counter = Counter()
    for milestone in milestones:
        action = milestone.action
        blocks.setdefault(action.pk, ActionBlock(action)).milestones.append(milestone)
        by_theme.setdefault(action.theme.name, ThemeCount(action.theme, Counter())).counts[
            milestone.current_status
        ] += 1
        totals[milestone.current_status] += 1
    applied = []
    if filterset.is_bound and filterset.form.is_valid():
        for name, value in filterset.form.cleaned_data.items():
            if value not in (None, "", []) and name in filterset.filters:
                applied.append(f"{filterset.filters[name].label}: {value}")
    themes = sorted(by_theme.values(), key=lambda entry: (entry.theme.order, entry.theme.name))
    return MilestoneReport(
        header=header(plan, f"{plan.name}: Milestone Report", as_at, snapshot),
        actions=list(blocks.values()),
        theme_counts=themes,
        totals=totals,
        statuses=list(Status),
        filters_applied=applied,
        filterset=filterset,
    )


def _day(value):
    return value.date() if hasattr(value, "date") else value


def filter_frozen(rows, filterset):
    """Apply the plan-page filters to snapshot rows (by name: the rows hold names, not ids)."""
    if not (filterset.is_bound and filterset.form.is_valid()):
        return rows
    wanted = filterset.form.cleaned_data
    checks = [
        (wanted.get("theme"), lambda m, v: m.action.theme.name == v.name),
        (wanted.get("action_lead"), lambda m, v: m.action.action_lead == v.name),
        (wanted.get("lead"), lambda m, v: m.lead == v.name),
        (wanted.get("agency"), lambda m, v: m.lead_agency == v),
        (wanted.get("status"), lambda m, v: m.current_status == v),
        (wanted.get("overdue"), lambda m, v: m.is_overdue == v),
    ]
    due = wanted.get("due")
    start, stop = (_day(due.start), _day(due.stop)) if due else (None, None)
    result = []
    for m in rows:
        if any(v not in (None, "") and not check(m, v) for v, check in checks):
            continue
        effective = m.revised_due_date or m.due_date
        if (start and (not effective or effective < start)) or (stop and (not effective or effective > stop)):
            continue
        result.append(m)
    return result


# Exception report ----------------------------------------------------------------------------


@dataclass
class ExceptionRow:
    milestone: object
    record: object  # latest SlippageRecord or None

    @property
    def reasons(self):
        return self.milestone.status_reasons


@dataclass
class ExceptionReport:
    header: ReportHeader
    rows: list
    continued: bool = False

    def chunks(self, rows_per_chunk):
        groups = [self.rows[n : n + rows_per_chunk] for n in range(0, len(self.rows), rows_per_chunk)] or [[]]
        return [replace(self, rows=group, continued=n > 0) for n, group in enumerate(groups)]


def exception_report(plan, *, as_at=None, snapshot=None) -> ExceptionReport:
    """Every milestone Not on track or overdue, with its latest exception record."""
    title = f"{plan.name}: Milestone Exception Report"
    if snapshot:
        rows = []
        for milestone in frozen_milestones(snapshot):
            if milestone.current_status == Status.NOT_ON_TRACK or milestone.is_overdue:
                milestone.status_reasons = _exception_reasons(milestone)
                rows.append(ExceptionRow(milestone, milestone.exception_record))
        return ExceptionReport(header=header(plan, title, snapshot.period, snapshot), rows=rows)
    as_at = _as_at(as_at)
    milestones = (
        report_milestones(plan, as_at)
        .filter(Q(current_status=Status.NOT_ON_TRACK) | Q(is_overdue=True))
        .prefetch_related(
            Prefetch(
                "slippage_records",
                queryset=SlippageRecord.objects.order_by("-created_at", "-id"),
                to_attr="records_newest_first",
            )
        )
    )
    rows = []
    for milestone in milestones:
        milestone.status_reasons = _exception_reasons(milestone)
        records = milestone.records_newest_first
        rows.append(ExceptionRow(milestone, records[0] if records else None))
    return ExceptionReport(header=header(plan, title, as_at), rows=rows)


def _exception_reasons(milestone):
    reasons = []
    if milestone.current_status == Status.NOT_ON_TRACK:
        reasons.append("Not on track")
    if milestone.is_overdue:
        reasons.append("Overdue")
    return reasons


# Performance indicator report ----------------------------------------------------------------


@dataclass
class IndicatorSection:
    section: Section
    rows: list = field(default_factory=list)  # [(summary, chart svg)]


@dataclass
class IndicatorReport:
    header: ReportHeader
    sections: list
    status_key: list
    trend_key: list
    with_charts: bool

    @property
    def rows(self):
        return [(s.indicator.code, s.status.value) for section in self.sections for s, _ in section.rows]


def indicator_report(plan, *, as_at=None, with_charts=True, snapshot=None) -> IndicatorReport:
    title = f"{plan.name}: Performance Indicator Report"
    if snapshot:
        sections = {}
        for name, order, summary in frozen_summaries(snapshot):
            group = sections.setdefault(name, IndicatorSection(SimpleNamespace(name=name, order=order)))
            group.rows.append((summary, frozen_chart(summary) if with_charts else None))
        return IndicatorReport(
            header=header(plan, title, snapshot.period, snapshot),
            sections=sorted(sections.values(), key=lambda g: g.section.order),
            status_key=STATUS_KEY,
            trend_key=TREND_KEY,
            with_charts=with_charts,
        )
    as_at = _as_at(as_at)
    indicators = (
        Indicator.objects.for_plan(plan)
        .with_report_data(as_at)
        .prefetch_related(
            Prefetch("benchmarks", queryset=Benchmark.objects.select_related("comparator"), to_attr="report_benchmarks")
        )
    )
    sections = {section.pk: IndicatorSection(section) for section in Section.objects.filter(plan=plan)}
    for indicator in indicators:
        summary = indicator.summarise(as_at)
        chart = (
            indicator_chart(indicator, indicator.report_values[-24:], summary, indicator.report_benchmarks)
            if with_charts
            else None
        )
        sections[indicator.section_id].rows.append((summary, chart))
    return IndicatorReport(
        header=header(plan, title, as_at),
        sections=[s for s in sections.values() if s.rows],
        status_key=STATUS_KEY,
        trend_key=TREND_KEY,
        with_charts=with_charts,
    )


def frozen_chart(summary):
    data = summary.chart_data
    return line_chart_svg(
        [(label, None if value is None else Decimal(value)) for label, value in data["points"]],
        title=f"{summary.indicator.code} {summary.indicator.title}",
        target=Line(data["target"][0], Decimal(data["target"][1])) if data["target"] else None,
        benchmarks=[Line(label, Decimal(value)) for label, value in data["benchmarks"]],
        percentage=summary.indicator.unit == "percentage",
    )


# Movement between two snapshots ---------------------------------------------------------------


@dataclass
class Change:
    before: object  # frozen row, or None when the milestone is new
    after: object  # frozen row, or None when it was removed

    @property
    def row(self):
        return self.after or self.before


@dataclass
class MovementReport:
    header: ReportHeader
    from_snapshot: object
    to_snapshot: object
    newly_achieved: list
    newly_slipped: list
    status_changes: list
    new_exceptions: list
    revised_dates: list
    added: list
    removed: list
    indicator_changes: list  # [(before summary, after summary)]

    @property
    def rows(self):
        return {
            "newly_achieved": [c.row.description for c in self.newly_achieved],
            "newly_slipped": [c.row.description for c in self.newly_slipped],
            "status_changes": [
                (c.row.description, c.before.current_status, c.after.current_status) for c in self.status_changes
            ],
            "new_exceptions": [c.row.description for c in self.new_exceptions],
            "revised_dates": [c.row.description for c in self.revised_dates],
            "indicators": [(a.indicator.code, b.status.value, a.status.value) for b, a in self.indicator_changes],
        }


def previous_snapshot(snapshot):
    """The snapshot in force for the latest month before this one's."""
    from .models import Snapshot

    return (
        Snapshot.objects.filter(plan=snapshot.plan, period__lt=snapshot.period, retaken_by__isnull=True)
        .select_related("taken_by")
        .order_by("-period", "kind" if snapshot.kind == "monthly" else "-kind", "-taken_at")
        .first()
    )


def _slipped(m):
    return m.current_status == Status.NOT_ON_TRACK or m.is_overdue


def movement_report(plan, *, as_at=None, snapshot=None, from_snapshot=None) -> MovementReport:
    """What moved between two snapshots (default: the one in force for the month and the one before it)."""
    from .models import Snapshot
    from .snapshots import current_snapshot

    to_snapshot = snapshot or (
        current_snapshot(plan, as_at)
        if as_at
        else Snapshot.objects.filter(plan=plan, retaken_by__isnull=True).order_by("-period", "-taken_at").first()
    )
    from_snapshot = from_snapshot or (previous_snapshot(to_snapshot) if to_snapshot else None)
    title = f"{plan.name}: Movement Report"
    report = MovementReport(
        header=header(plan, title, to_snapshot.period if to_snapshot else _as_at(as_at), to_snapshot),
        from_snapshot=from_snapshot,
        to_snapshot=to_snapshot,
        newly_achieved=[],
        newly_slipped=[],
        status_changes=[],
        new_exceptions=[],
        revised_dates=[],
        added=[],
        removed=[],
        indicator_changes=[],
    )
    if not (from_snapshot and to_snapshot):
        return report
    before = {m.pk: m for m in frozen_milestones(from_snapshot)}
    after = {m.pk: m for m in frozen_milestones(to_snapshot)}
    for pk, now in after.items():
        was = before.get(pk)
        if was is None:
            report.added.append(Change(None, now))
            continue
        change = Change(was, now)
        if now.current_status != was.current_status:
            report.status_changes.append(change)
            if now.current_status == Status.ACHIEVED:
                report.newly_achieved.append(change)
        if _slipped(now) and not _slipped(was):
            report.newly_slipped.append(change)
        if now.exception_record and vars(now.exception_record) != (
            vars(was.exception_record) if was.exception_record else None
        ):
            report.new_exceptions.append(change)
        if now.revised_due_date != was.revised_due_date:
            report.revised_dates.append(change)
    report.removed = [Change(was, None) for pk, was in before.items() if pk not in after]
    earlier = {summary.indicator.code: summary for _, _, summary in frozen_summaries(from_snapshot)}
    for _, _, summary in frozen_summaries(to_snapshot):
        was = earlier.get(summary.indicator.code)
        if was and (was.status != summary.status or was.trend != summary.trend):
            report.indicator_changes.append((was, summary))
    return report


# Glossary ------------------------------------------------------------------------------------


@dataclass
class GlossaryReport:
    header: ReportHeader
    terms: list


def glossary_report(plan, *, as_at=None, snapshot=None) -> GlossaryReport:
    return GlossaryReport(
        header=header(plan, f"{plan.name}: Glossary of Terms and Acronyms", _as_at(as_at), snapshot),
        terms=list(GlossaryTerm.objects.filter(plan=plan).order_by("term")),
    )


REPORTS = {
    "milestones": milestone_report,
    "exceptions": exception_report,
    "indicators": indicator_report,
    "glossary": glossary_report,
    "movement": movement_report,
}


# Committee pack cover report -----------------------------------------------------------------


@dataclass
class PackCover:
    header: ReportHeader
    pack: object
    sections: list  # [(number, heading, [paragraphs])]
    appendices: list  # [(number, title)]


def pack_cover(pack) -> PackCover:
    from .rendering import appendix_title

    appendices = [(number, appendix_title(kind, pack.plan, pack.as_at)) for number, kind in pack.numbered_appendices()]
    return PackCover(
        header=header(pack.plan, pack.report_title, pack.as_at),
        pack=pack,
        sections=pack.cover_sections(),
        appendices=appendices,
    )
