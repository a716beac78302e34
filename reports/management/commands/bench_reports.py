"""Time the milestone report and the committee pack on a generated plan (2,000 milestones,
60 indicators x 36 months). Run on a throwaway database, e.g.

    DATABASE_URL=sqlite:////tmp/bench.sqlite3 .venv/bin/python manage.py migrate
    DATABASE_URL=sqlite:////tmp/bench.sqlite3 PLAN_TODAY=2009-11-04 .venv/bin/python manage.py bench_reports
"""

import datetime
import time

from django.core.management.base import BaseCommand

from plans.models import Plan
from reports import bench, rendering
from reports.models import CommitteePack
from reports.parallel import render_pack_pdf, render_parts_pdf

AS_AT = datetime.date(2009, 10, 1)
ROW = "{:30} {:>5} {:>6} {:>6} {:>7} {:>6} {:>7} {:>19}"


class Command(BaseCommand):
    help = "Time the report PDFs on a generated 2,000-milestone plan."

    def add_arguments(self, parser):
        parser.add_argument("--milestones", type=int, default=2000)
        parser.add_argument("--indicators", type=int, default=60)

    def handle(self, *args, milestones, indicators, **options):
        name = f"Bench plan {milestones}"
        plan = Plan.objects.filter(name=name).first() or bench.bench_plan_create(milestones, indicators, name=name)
        pack, _ = CommitteePack.objects.get_or_create(
            plan=plan,
            meeting="Bench",
            meeting_date=datetime.date(2009, 12, 3),
            defaults={
                "report_title": "Bench pack",
                "as_at": AS_AT,
                "purpose": "Timing.",
                "appendices": ["glossary", "milestones", "exceptions", "indicators"],
            },
        )
        rows = []

        def report(kind):
            return lambda: [rendering.report_part(kind, plan, AS_AT)]

        rows.append(
            bench.time_parts(
                "Plain 9-column table (floor)", report("milestones"), "Plain", "reports/bench/plain_table.html"
            )
        )
        rows.append(bench.time_parts("Milestone report", report("milestones"), "Milestone report"))
        for kind in ("exceptions", "indicators", "glossary"):
            rows.append(bench.time_parts(f"{kind.title()} report", report(kind), kind))
        rows.append(bench.time_parts("Pack, one document", lambda: rendering.pack_parts(pack), "Pack"))
        head = ("Document", "pages", "data", "html", "layout", "write", "total", "outside weasyprint")
        self.stdout.write(ROW.format(*head))
        for t in rows:
            figures = (t.data, t.html, t.layout, t.write, t.total)
            self.stdout.write(ROW.format(t.label, t.pages, *(f"{f:.2f}" for f in figures), f"{t.outside_share:.1%}"))
        start = time.perf_counter()
        _, pages = render_parts_pdf(report("milestones")(), "Milestones", council="Bench", workers=2)
        elapsed = time.perf_counter() - start
        self.stdout.write(ROW.format("Milestone report, 2 cores", pages, "", "", "", "", f"{elapsed:.2f}", ""))
        start = time.perf_counter()
        _, pages = render_pack_pdf(pack, workers=2)
        elapsed = time.perf_counter() - start
        appendix_sum = sum(t.total for t in rows[1:5])
        self.stdout.write(ROW.format("Pack, 2 cores", pages, "", "", "", "", f"{elapsed:.2f}", ""))
        self.stdout.write(f"Sum of the four appendices rendered alone, one after another: {appendix_sum:.2f} s")
        self.stdout.write("Quick rebuilds (pieces kept by the hash of their HTML, reports/piece_cache.py):")
        rebuilds = bench.time_rebuilds(pack, lambda: bench.milestone_touch(plan, AS_AT))
        cold = rebuilds[0][1]
        for label, seconds, pages, laid_out in rebuilds:
            self.stdout.write(
                f"  Pack, {label}: {seconds:.2f} s, {pages} pages, {laid_out} pieces laid out, "
                f"{seconds / cold:.0%} of cold"
            )
