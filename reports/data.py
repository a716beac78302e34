"""The report data layer: plain data for each report, used by the HTML pages, the PDFs
and the command line alike. Templates only lay this out.

Every function takes a plan and an "as at" month (default: the current month)
and runs a fixed number of queries whatever the plan's size.
"""

import zlib
from collections import Counter
from dataclasses import dataclass, field, replace
from decimal import Decimal
from types import SimpleNamespace

from django.db.models import Prefetch

from indicators.charts import Line, line_chart_svg
from indicators.models import Benchmark, Indicator, Section
from indicators.selectors import STATUS_KEY, TREND_KEY, indicator_chart
from milestones.status import Status
from plans.models import GlossaryTerm, Plan
from recommendations.selectors import live_milestones_for, recommendation_progress
from safeguarding import dates

from . import registry
from .models import Snapshot
from .rows import live_milestones, milestone_rows
from .snapshots import current_snapshot, frozen_milestones, frozen_summaries


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

    @property
    def scheme(self):
        return scheme_for(self.plan, self.snapshot)


def scheme_for(plan, snapshot=None):
    """The status scheme a page shows: the snapshot's as it was taken, else the plan's own."""
    if snapshot is not None and snapshot.status_scheme:
        return snapshot.scheme
    return plan.scheme


def header(plan, title, as_at, snapshot=None):
    return ReportHeader(plan=plan, title=title, as_at=as_at, generated_on=dates.today(), snapshot=snapshot)


def _as_at(as_at):
    return as_at or dates.current_month()


# Milestone report ----------------------------------------------------------------------------


# weasyprint does not repeat a row-spanning cell after a page break, so a long action is laid out in
# parts of a few milestones, each kept on one page: a page that goes on with an action starts with a
# part whose action cell reads "(continued)".
ACTION_PART_ROWS = 5
# A shorter action is kept on one page unless its text is too tall for a page (long notes): weasyprint
# would then break inside it with no action cell on the next page, so it too goes in parts, each at
# most half a page of text. Estimated, not measured (a second layout would double the time): lines of
# 9 pt table text under the repeated column headings of an A4 landscape page, and characters a line
# of the milestone (50 mm) and note (58 mm) columns hold, both erring short so a part is never too tall.
PAGE_LINES = 34
DESCRIPTION_LINE_CHARS = 26
NOTE_LINE_CHARS = 30


def _lines(text, per_line):
    return sum(1 + len(line) // per_line for line in (text or "").splitlines() or [""])


def row_lines(milestone):
    """The estimated height of a milestone's row, in lines of table text (padding counted as one)."""
    note = _lines(milestone.current_note, NOTE_LINE_CHARS) + (
        1 + _lines(milestone.current_status_reason, NOTE_LINE_CHARS) if milestone.current_status_reason else 0
    )
    return 1 + max(_lines(milestone.description, DESCRIPTION_LINE_CHARS), note, 3)


@dataclass
class ActionPart:
    milestones: list
    continued: bool
    start: int = 0  # the index of its first milestone in the action


@dataclass
class ActionBlock:
    action: object
    milestones: list = field(default_factory=list)
    # Where a page broke inside a part when it was laid out (indexes of the first milestone on the later
    # page, set by rendering.split_broken_actions): a part starts there too, so its cell is repeated.
    breaks: set = field(default_factory=set)

    @property
    def parts(self):
        """The milestones in parts of ACTION_PART_ROWS (one part for an action no longer than two parts,
        unless taller than a page: then in parts of at most half a page), also cut where a page broke."""
        rows = self.milestones
        if len(rows) > 2 * ACTION_PART_ROWS:
            starts = set(range(0, len(rows), ACTION_PART_ROWS))
        else:
            starts, lines = {0}, 0
            heights = [row_lines(m) for m in rows]
            if sum(heights) > PAGE_LINES:
                for n, height in enumerate(heights):
                    if n and lines + height > PAGE_LINES // 2:
                        starts.add(n)
                        lines = 0
                    lines += height
        starts = sorted(starts | {n for n in self.breaks if 0 < n < len(rows)})
        ends = starts[1:] + [len(rows)]
        return [ActionPart(rows[start:end], start > 0, start) for start, end in zip(starts, ends, strict=True)]


@dataclass
class ThemeCount:
    theme: object
    counts: Counter

    @property
    def total(self):
        return sum(self.counts.values())


def stable_groups(items, rows_per_chunk, *, size=lambda item: 1, key=str):
    """items in groups of about rows_per_chunk rows, for laying out in pieces (reports/parallel.py).

    The cuts are chosen by the content, not by counting: after an item whose key hashes to a cut
    (each row adds a 2 in rows_per_chunk chance), once a group has half its rows; at twice its rows
    at the latest. A milestone added, removed or moved from one list to the other moves no cut but
    those beside it, so a rebuild lays out only the chunk it falls in (reports/piece_cache.py);
    with cuts every rows_per_chunk rows every later chunk would change."""
    groups, current, rows = [], [], 0
    for item in items:
        current.append(item)
        rows += size(item)
        chance = zlib.crc32(str(key(item)).encode()) % rows_per_chunk
        if rows >= 2 * rows_per_chunk or (2 * rows >= rows_per_chunk and chance < 2 * size(item)):
            groups.append(current)
            current, rows = [], 0
    if current or not groups:
        groups.append(current)
    return groups


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
        groups = stable_groups(
            self.actions, rows_per_chunk, size=lambda block: len(block.milestones), key=lambda block: block.action.ref
        )
        return [replace(self, actions=group, continued=n > 0) for n, group in enumerate(groups)]

    def joined_with(self, later):
        """This chunk followed by the next (reports/parallel.py). Without the cuts where pages broke when
        each was laid out alone: the later one's rows no longer start a page, and the joined piece's
        HTML (its key in the piece cache) must not depend on whether the chunks were laid out or reused."""
        return replace(self, actions=[replace(block, breaks=set()) for block in self.actions + later.actions])

    @property
    def milestone_count(self):
        return sum(len(block.milestones) for block in self.actions)

    @property
    def rows(self):
        """(action ref, milestone description, status) for every row, for comparisons."""
        return [(b.action.ref, m.description, m.current_status) for b in self.actions for m in b.milestones]


def report_milestones(plan, as_at):
    """Every milestone of a plan as at a month, annotated as the reports read them (a queryset)."""
    return live_milestones(plan, as_at)


def milestone_report(plan, *, as_at=None, filters=None, snapshot=None) -> MilestoneReport:
    """The seed's milestone report: milestones grouped under their action, actions in ref order.

    With a snapshot, the rows are the snapshot's, exactly as frozen; the filters run in SQL either way.
    """
    source = milestone_rows(plan, as_at=_as_at(as_at), snapshot=snapshot, filters=filters)
    blocks: dict = {}
    by_theme: dict[str, ThemeCount] = {}
    totals: Counter = Counter()
    for milestone in source.rows():
        action = milestone.action
        blocks.setdefault(action.ref, ActionBlock(action)).milestones.append(milestone)
        by_theme.setdefault(action.theme.name, ThemeCount(action.theme, Counter())).counts[
            milestone.current_status
        ] += 1
        totals[milestone.current_status] += 1
    themes = sorted(by_theme.values(), key=lambda entry: (entry.theme.order, entry.theme.name))
    return MilestoneReport(
        header=header(plan, f"{plan.name}: Milestone Report", source.as_at, snapshot),
        actions=list(blocks.values()),
        theme_counts=themes,
        totals=totals,
        statuses=scheme_for(plan, snapshot).key(shown=[status for status, n in totals.items() if n]),
        filters_applied=source.filters_applied,
        filterset=source.filterset,
    )


# Exception report ----------------------------------------------------------------------------


@dataclass
class ExceptionRow:
    milestone: object  # a rows.MilestoneRow
    record: object  # its latest exception record (rows.ExceptionRecordRow) or None

    @property
    def reasons(self):
        """Why listed: not on track, overdue, or (neither) an open exception record."""
        return self.milestone.status_reasons or (["Open exception"] if self.record else [])

    @property
    def revised_date(self):
        """The revised completion date as the record gives it (else the milestone's revised due date)."""
        if self.record and self.record.revised_completion_date:
            return self.record.revised_completion_date
        return None if self.record else self.milestone.revised_due_date


def _milestone_key(row):
    return row.milestone.pk if row.milestone.pk is not None else row.milestone.description


@dataclass
class ExceptionReport:
    header: ReportHeader
    rows: list
    continued: bool = False

    def chunks(self, rows_per_chunk):
        groups = stable_groups(self.rows, rows_per_chunk, key=_milestone_key)
        return [replace(self, rows=group, continued=n > 0) for n, group in enumerate(groups)]

    def joined_with(self, later):
        return replace(self, rows=self.rows + later.rows)


def exception_report(plan, *, as_at=None, snapshot=None) -> ExceptionReport:
    """Every milestone Not on track or overdue, or with an open exception record, with its latest record."""
    source = milestone_rows(plan, as_at=_as_at(as_at), snapshot=snapshot)
    queryset = source.queryset.filter(source.exception_rule())
    rows = [ExceptionRow(m, m.exception_record) for m in source.rows(queryset, records=True)]
    return ExceptionReport(
        header=header(plan, f"{plan.name}: Milestone Exception Report", source.as_at, snapshot), rows=rows
    )


# Performance indicator report ----------------------------------------------------------------


# Report charts are flatter than the indicator page's (720x280): printed 190 mm wide (labels about
# 8.2 pt) they are about 61 mm high, so two charts with their headings share an A4 landscape page.
REPORT_CHART_HEIGHT = 230


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
            indicator_chart(
                indicator,
                indicator.report_values[-24:],
                summary,
                indicator.report_benchmarks,
                height=REPORT_CHART_HEIGHT,
            )
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
        height=REPORT_CHART_HEIGHT,
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
    return (
        Snapshot.objects.filter(plan=snapshot.plan, period__lt=snapshot.period, retaken_by__isnull=True)
        .select_related("taken_by")
        .order_by("-period", "kind" if snapshot.kind == "monthly" else "-kind", "-taken_at")
        .first()
    )


def _slipped(m):
    return bool(m.status_reasons)


def movement_report(plan, *, as_at=None, snapshot=None, from_snapshot=None) -> MovementReport:
    """What moved between two snapshots (default: the one in force for the month and the one before it)."""
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
        if now.exception_record and now.exception_record != was.exception_record:
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


# Progress against recommendations ----------------------------------------------------------


@dataclass
class RecommendationReport:
    header: ReportHeader
    progress: object  # recommendations.selectors.RecommendationProgressList
    live_other_plans: bool = False  # a snapshot's report read other plans' actions live as at its month

    @property
    def rows(self):
        """(source, ref, roll-up) for every recommendation, for comparisons."""
        return [(r.recommendation.source.title, r.recommendation.ref, r.rollup) for r in self.progress.rows]


def recommendation_report(plan, *, as_at=None, snapshot=None) -> RecommendationReport:
    """Each recommendation with its actions, their milestones and the roll-up (recommendations.rollup),
    as at a month. With a snapshot, this plan's milestones are the snapshot's frozen rows (matched to
    actions by ref, unique in a plan); actions of the organisation's other plans are read live as at
    the snapshot's month, since a snapshot freezes one plan."""
    as_at = snapshot.period if snapshot else _as_at(as_at)
    other_plans_live = False

    def milestones_for(actions):
        nonlocal other_plans_live
        by_action = {}
        others = actions
        if snapshot:
            frozen: dict = {}
            for row in milestone_rows(plan, snapshot=snapshot).rows():
                frozen.setdefault(row.action.ref, []).append(row)
            own = [a for a in actions if a.plan_id == plan.pk]
            by_action = {a.pk: frozen.get(a.ref, []) for a in own}
            others = [a for a in actions if a.plan_id != plan.pk]
            other_plans_live = bool(others)
        return {**by_action, **live_milestones_for(others, as_at)}

    progress = recommendation_progress(plan, as_at=as_at, milestones_for=milestones_for)
    title = f"{plan.name}: Progress against Inspection Recommendations"
    return RecommendationReport(
        header=header(plan, title, as_at, snapshot), progress=progress, live_other_plans=other_plans_live
    )


# Each report's builder by kind (kept for callers of data.REPORTS; reports/registry.py describes them).
REPORTS = {kind: globals()[spec.builder] for kind, spec in registry.REPORTS.items()}


# Committee pack cover report -----------------------------------------------------------------


@dataclass
class PackCover:
    header: ReportHeader
    pack: object
    sections: list  # [covers.CoverSection] of the cover sheet ("main" series)
    appendices: list  # [(number, title)]
    body: list = field(default_factory=list)  # [covers.CoverSection] of the report after it (Background, Next Steps)


def pack_cover(pack) -> PackCover:
    """The cover report in the organisation's template (reports/covers.py), its text rendered from Markdown."""
    appendices = [
        (number, registry.spec(kind).title(pack.plan, pack.as_at)) for number, kind in pack.numbered_appendices()
    ]
    sections = pack.cover_sections()
    return PackCover(
        header=header(pack.plan, pack.report_title, pack.as_at),
        pack=pack,
        sections=[s for s in sections if s.series == "main"],
        appendices=appendices,
        body=[s for s in sections if s.series == "body"],
    )
