"""Timing the PDFs on a large generated plan (see README, "Report speed").

Each measurement separates the phases: data (queries), HTML (templates),
layout (weasyprint) and writing the PDF, so the time spent outside weasyprint's
own layout can be read off directly.
"""

import datetime
import time
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.template.loader import render_to_string

from indicators.models import ComparatorGroup, Indicator, IndicatorValue, IndicatorYear, Section
from milestones.generated import generated_plan_create

from . import rendering


@transaction.atomic
def bench_plan_create(milestones=2000, indicators=60, months=36, name="Bench plan"):
    plan = generated_plan_create(milestones=milestones, name=name)
    return bench_indicators_create(plan, indicators=indicators, months=months)


def bench_indicators_create(plan, indicators=60, months=36):
    """Give a plan `indicators` indicators with `months` monthly figures each, targets and a benchmark."""
    sections = Section.objects.bulk_create(Section(plan=plan, name=f"Section {n + 1}", order=n) for n in range(5))
    rows = Indicator.objects.bulk_create(
        Indicator(
            plan=plan,
            section=sections[n % 5],
            code=f"NI {100 + n}",
            code_sort_key=f"ni {100 + n:06d}",
            title=f"Generated indicator {n + 1}",
            polarity="higher" if n % 2 else "lower",
            ytd_method="latest",
            order=n,
        )
        for n in range(indicators)
    )
    start = datetime.date(2009, 10, 1)
    periods = [
        datetime.date(start.year - (m + 12 - start.month) // 12, (start.month - m - 1) % 12 + 1, 1)
        for m in range(months)
    ]
    IndicatorValue.objects.bulk_create(
        IndicatorValue(indicator=i, period=p, value=Decimal(40 + (n * 7 + k) % 50))
        for n, i in enumerate(rows)
        for k, p in enumerate(periods)
    )
    IndicatorYear.objects.bulk_create(
        IndicatorYear(indicator=i, year=y, target=60, tolerance=5) for i in rows for y in (2008, 2009)
    )
    england, _ = ComparatorGroup.objects.get_or_create(name="England")
    from indicators.models import Benchmark

    Benchmark.objects.bulk_create(Benchmark(indicator=i, year=2008, comparator=england, value=55) for i in rows)
    return plan


@dataclass
class Timing:
    label: str
    data: float
    html: float
    layout: float
    write: float
    pages: int

    @property
    def total(self):
        return self.data + self.html + self.layout + self.write

    @property
    def outside_share(self):
        """Time outside weasyprint (queries and templates) as a share of the total."""
        return (self.data + self.html) / self.total


def time_parts(label, build_parts, title, template=None):
    """Time one document: build_parts() -> parts (data), then HTML, layout, write."""
    import weasyprint

    t0 = time.perf_counter()
    parts = build_parts()
    t1 = time.perf_counter()
    if template:
        html = render_to_string(template, {"report": parts[0].report})
    else:
        html = rendering.render_html(parts, title)
    t2 = time.perf_counter()
    document = weasyprint.HTML(string=html).render()
    t3 = time.perf_counter()
    document.write_pdf(**rendering.PDF_OPTIONS)  # tagged, as the app writes every PDF
    t4 = time.perf_counter()
    return Timing(label, t1 - t0, t2 - t1, t3 - t2, t4 - t3, len(document.pages))


def milestone_touch(plan, as_at, status=None):
    """One milestone's update, as a lead makes it: a progress update for the pack's month on a
    milestone half way down the milestone report, a new note and (status=None) the status it had.
    Returns the milestone."""
    from milestones.models import Milestone, ProgressUpdate
    from milestones.services import progress_update_record

    milestones = list(Milestone.objects.for_plan(plan).order_by("pk"))
    milestone = milestones[len(milestones) // 2]
    latest = milestone.updates.filter(reporting_month__lte=as_at).order_by("-reporting_month", "-pk").first()
    progress_update_record(
        milestone=milestone,
        reporting_month=as_at,
        status=status or (latest.status if latest else "on_track"),
        note=f"Rebuild bench {time.time():.0f}: revised dates agreed with the partners.",
        source=ProgressUpdate.Source.IMPORTED,
    )
    return milestone


def time_rebuilds(pack, change, workers=2):
    """[(label, seconds, pages)]: the pack built cold (an empty piece cache), rebuilt with nothing
    changed, and rebuilt after change() (one milestone's update); each build reads the data afresh."""
    import shutil
    import tempfile

    from . import parallel, piece_cache

    directory = tempfile.mkdtemp(prefix="bench-pieces-")
    cache = piece_cache.PieceCache(directory, 1024**3)
    rows, laid_out = [], []
    try:
        for label in ("cold (empty cache)", "rebuild, nothing changed", "rebuild after one milestone's update"):
            if label.startswith("rebuild after"):
                change()
            laid_out.clear()
            start = time.perf_counter()
            _, pages = parallel.render_pack_pdf(
                pack, workers=workers, cache=cache, on_progress=lambda text, _: laid_out.append(text)
            )
            pieces = sum(text.startswith("Laid out") for text in laid_out)
            rows.append((label, time.perf_counter() - start, pages, pieces))
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    return rows
