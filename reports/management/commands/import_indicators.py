"""Import indicator figures (code, period, value, numerator, denominator, target, comment)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from indicators.importing import indicator_values_import
from plans.importing import ImportRefused, Problem, read_csv, read_workbook
from reports.management.plan_option import add_plan_arguments, plan_named
from reports.transfer import refusal


class Command(BaseCommand):
    help = "Import indicator figures from .xlsx or .csv; nothing is written if any row has a problem."

    def add_arguments(self, parser):
        parser.add_argument("path")
        add_plan_arguments(parser)
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, path, plan, dry_run, **options):
        plan_obj = plan_named(plan, options.get("organisation"))
        file = Path(path)
        if not file.exists():
            raise CommandError(f"No file at {file}.")
        try:
            rows = read_indicator_rows(file.name, file.read_bytes())
            created, updated = indicator_values_import(plan=plan_obj, rows=rows, dry_run=dry_run)
        except ImportRefused as refused:
            raise refusal(self, file.name, refused) from refused
        self.stdout.write(
            ("Dry run, nothing written. " if dry_run else "") + f"Figures created: {created}; updated: {updated}."
        )


def read_indicator_rows(name, content):
    """The first sheet (or the CSV) as [header, *rows], within the import limits."""
    if name.lower().endswith(".csv"):
        return read_csv(content)
    if name.lower().endswith(".xlsx"):
        return next(iter(read_workbook(content).values()))
    raise ImportRefused([Problem(0, "File", "choose an .xlsx or .csv file.")])
