"""Reads for the indicator pages (and, later, the indicator report)."""

from dataclasses import dataclass, field

from safeguarding import dates

from . import charts, rules
from .models import Benchmark, Indicator, Section


@dataclass
class SectionGroup:
    section: Section
    summaries: list = field(default_factory=list)


def indicator_summaries(plan, as_at=None) -> list[SectionGroup]:
    """Every indicator of a plan, summarised as at a month, grouped by section in order."""
    as_at = as_at or dates.current_month()
    groups = {section.pk: SectionGroup(section) for section in Section.objects.filter(plan=plan)}
    for indicator in Indicator.objects.for_plan(plan).with_report_data(as_at):
        groups[indicator.section_id].summaries.append(indicator.summarise(as_at))
    return [group for group in groups.values() if group.summaries]


def benchmark_lines(benchmarks, year):
    """The benchmarks of the latest year up to `year`, one line per comparator group."""
    chosen = {}
    for benchmark in sorted(benchmarks, key=lambda b: b.year):
        if benchmark.year <= year:
            chosen[benchmark.comparator_id] = benchmark
    ordered = sorted(chosen.values(), key=lambda b: (b.comparator.order, b.comparator.name))
    return [charts.Line(f"{b.comparator.name} {b.year_label}", b.value) for b in ordered]


def indicator_chart(indicator, values, summary, benchmarks, title=None, height=280):
    """The indicator's line chart: its values, the year's target and the benchmarks."""
    points = [(indicator.period_label(v.period), v.value) for v in values]
    target = charts.Line(f"Target {summary.year_label}", summary.target) if summary.target is not None else None
    return charts.line_chart_svg(
        points,
        title=title or f"{indicator.code} {indicator.title}",
        target=target,
        benchmarks=benchmark_lines(benchmarks, summary.year),
        percentage=indicator.is_percentage,
        height=height,
    )


@dataclass
class IndicatorPage:
    indicator: Indicator
    summary: object
    values: list
    years: list
    benchmarks: list
    commentaries: list
    chart: str


def indicator_page(pk, as_at=None) -> IndicatorPage:
    as_at = as_at or dates.current_month()
    indicator = Indicator.objects.select_related("section", "owner", "plan").get(pk=pk)
    values = list(indicator.values.filter(period__lte=as_at).order_by("period"))
    years = list(indicator.years.order_by("year"))
    commentaries = list(indicator.commentaries.filter(period__lte=as_at).order_by("-period"))
    indicator.report_values, indicator.report_years, indicator.report_commentaries = values, years, commentaries
    summary = indicator.summarise(as_at)
    benchmarks = list(Benchmark.objects.filter(indicator=indicator).select_related("comparator"))
    # Last 24 periods in the chart: two years is what committees compare.
    chart = indicator_chart(indicator, values[-24:], summary, benchmarks)
    return IndicatorPage(indicator, summary, values, years, benchmarks, commentaries, chart)


STATUS_KEY = list(rules.PIStatus)
TREND_KEY = list(rules.Trend)
