"""Export a whole plan to .xlsx (milestones, progress history, exceptions, indicators, figures, people)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reports.management.plan_option import add_plan_arguments, plan_named
from reports.transfer import plan_export


class Command(BaseCommand):
    help = "Export a plan to an .xlsx workbook that import_plan reads back."

    def add_arguments(self, parser):
        add_plan_arguments(parser)
        parser.add_argument("--output", required=True, help="PATH.xlsx")

    def handle(self, *args, plan, output, **options):
        plan_obj = plan_named(plan, options.get("organisation"))
        if not output.lower().endswith(".xlsx"):
            raise CommandError("The output must be an .xlsx file.")
        Path(output).write_bytes(plan_export(plan_obj))
        self.stdout.write(f"Wrote {output}")
