"""Render a report or a committee pack to HTML or PDF, for automation and testing."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reports import parallel, piece_cache, registry, rendering
from reports.management.plan_option import add_plan_arguments, plan_named
from reports.models import CommitteePack
from reports.snapshots import current_snapshot
from safeguarding import dates


class Command(BaseCommand):
    help = "Render a report (any kind in reports/registry.py) or a committee pack."

    def add_arguments(self, parser):
        parser.add_argument("report", choices=[*registry.REPORTS, "pack"])
        add_plan_arguments(parser)
        parser.add_argument("--format", choices=["html", "pdf"], default="pdf")
        parser.add_argument("--output", required=True, help="File to write.")
        parser.add_argument("--as-at", dest="as_at", help="Report month, YYYY-MM (default: the current month).")
        parser.add_argument("--pack-id", dest="pack_id", type=int, help="The pack to render (for 'pack').")

    def handle(self, *args, report, plan, format, output, as_at, pack_id, **options):
        plan_obj = plan_named(plan, options.get("organisation"))
        month = None
        if as_at:
            month = dates.parse_month(as_at)
            if month is None:
                raise CommandError(f'"{as_at}" is not a month: use YYYY-MM, for example 2009-10.')
        # A month with a snapshot is reported from the snapshot, exactly as frozen.
        snapshot = current_snapshot(plan_obj, month) if month else None
        if report == "pack":
            if pack_id is None:
                raise CommandError("Give --pack-id for a pack.")
            pack = CommitteePack.objects.filter(pk=pack_id, plan=plan_obj).first()
            if pack is None:
                raise CommandError(f'No pack {pack_id} in plan "{plan}".')
            if month:
                pack.as_at = month  # render as at another month without saving
            parts, title = rendering.pack_parts(pack, snapshot), pack.report_title
        else:
            part = rendering.report_part(report, plan_obj, month, snapshot=snapshot)
            parts, title = [part], part.label
        path = Path(output)
        if format == "html":
            path.write_text(rendering.render_html(parts, title), encoding="utf-8")
        elif parallel.worth_splitting(parts):  # in pieces, tagged, reusing pieces laid out before
            content, _ = parallel.render_parts_pdf(
                parts, title, council=plan_obj.organisation or plan_obj.name, cache=piece_cache.default()
            )
            path.write_bytes(content)
        else:
            path.write_bytes(rendering.render_pdf(parts, title))
        self.stdout.write(f"Wrote {path}")
