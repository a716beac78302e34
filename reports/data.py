"""The report data layer: plain data for each report, used by the HTML pages, the PDFs
and the command line alike. Templates only lay this out.

Every function takes a plan and an "as at" month (default: the current month)
and runs a fixed number of queries whatever the plan's size.
"""

from collections import Counter
from dataclasses import dataclass, field, replace

from django.db.models import Prefetch, Q

from indicators.models import Benchmark, Indicator, Section
from indicators.selectors import STATUS_KEY, TREND_KEY, indicator_chart
from milestones.filters import MilestoneFilter
from milestones.models import Milestone, SlippageRecord
from milestones.status import Status
from plans.models import GlossaryTerm, Plan
from safeguarding import dates


@dataclass
class ReportHeader:
    plan: Plan
    title: str
    as_at: object
    generated_on: object

    @property
    def as_at_label(self):
        return dates.month_long_label(self.as_at)

    @property
    def council(self):
        return self.plan.organisation or self.plan.name


def header(plan, title, as_at):
    return ReportHeader(plan=plan, title=title, as_at=as_at, generated_on=dates.today())


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


def milestone_report(plan, *, as_at=None, filters=None) -> MilestoneReport:
    """The seed's milestone report: milestones grouped under their action, actions in ref order."""
    as_at = _as_at(as_at)
    filterset = MilestoneFilter(filters or None, queryset=report_milestones(plan, as_at), plan=plan)
    blocks: dict[int, ActionBlock] = {}
    by_theme: dict[int, ThemeCount] = {}
    totals: Counter = Counter()
    for milestone in filterset.qs.order_by("action__ref_sort_key", "order", "id"):
        action = milestone.action
        blocks.setdefault(action.pk, ActionBlock(action)).milestones.append(milestone)
        by_theme.setdefault(action.theme_id, ThemeCount(action.theme, Counter())).counts[milestone.current_status] += 1
        totals[milestone.current_status] += 1
    applied = []
    if filterset.is_bound and filterset.form.is_valid():
        for name, value in filterset.form.cleaned_data.items():
            if value not in (None, "", []) and name in filterset.filters:
                applied.append(f"{filterset.filters[name].label}: {value}")
    themes = sorted(by_theme.values(), key=lambda entry: (entry.theme.order, entry.theme.name))
    return MilestoneReport(
        header=header(plan, f"{plan.name}: Milestone Report", as_at),
        actions=list(blocks.values()),
        theme_counts=themes,
        totals=totals,
        statuses=list(Status),
        filters_applied=applied,
    )


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


def exception_report(plan, *, as_at=None) -> ExceptionReport:
    """Every milestone Not on track or overdue, with its latest exception record."""
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
        reasons = []
        if milestone.current_status == Status.NOT_ON_TRACK:
            reasons.append("Not on track")
        if milestone.is_overdue:
            reasons.append("Overdue")
        milestone.status_reasons = reasons
        records = milestone.records_newest_first
        rows.append(ExceptionRow(milestone, records[0] if records else None))
    return ExceptionReport(header=header(plan, f"{plan.name}: Milestone Exception Report", as_at), rows=rows)


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


def indicator_report(plan, *, as_at=None, with_charts=True) -> IndicatorReport:
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
        header=header(plan, f"{plan.name}: Performance Indicator Report", as_at),
        sections=[s for s in sections.values() if s.rows],
        status_key=STATUS_KEY,
        trend_key=TREND_KEY,
        with_charts=with_charts,
    )


# Glossary ------------------------------------------------------------------------------------


@dataclass
class GlossaryReport:
    header: ReportHeader
    terms: list


def glossary_report(plan, *, as_at=None) -> GlossaryReport:
    return GlossaryReport(
        header=header(plan, f"{plan.name}: Glossary of Terms and Acronyms", _as_at(as_at)),
        terms=list(GlossaryTerm.objects.filter(plan=plan).order_by("term")),
    )


REPORTS = {
    "milestones": milestone_report,
    "exceptions": exception_report,
    "indicators": indicator_report,
    "glossary": glossary_report,
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
