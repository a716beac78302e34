"""Import a plan from its milestone-report spreadsheet (.xlsx or .csv), all or nothing."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from plans.importing import ImportRefused
from plans.models import Organisation, Plan
from reports.transfer import plan_workbook_import, refusal


class Command(BaseCommand):
    help = "Import (or re-import) a plan from an .xlsx or .csv milestone report; nothing is written if a row is wrong."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--plan", required=True, help="The plan's name (created if new).")
        parser.add_argument("--dry-run", action="store_true", help="Show what would change; write nothing.")
        parser.add_argument(
            "--organisation",
            help="The organisation that owns a new plan (created if new); needed only when the plan is new.",
        )

    def handle(self, *args, path, plan, dry_run, organisation=None, **options):
        file = Path(path)
        if not file.exists():
            raise CommandError(f"No file at {file}.")
        existing = Plan.objects.filter(name=plan).first()
        if existing is None and not organisation:
            raise CommandError(f'"{plan}" is a new plan: name the organisation that owns it with --organisation.')
        owner = None
        if organisation and not dry_run:
            owner, _ = Organisation.objects.get_or_create(name=organisation.strip())
        elif organisation:
            owner = Organisation.objects.filter(name=organisation.strip()).first()
        try:
            summary = plan_workbook_import(
                plan_name=plan, filename=file.name, content=file.read_bytes(), dry_run=dry_run, owner=owner
            )
        except ImportRefused as refused:
            raise refusal(self, file.name, refused) from refused
        self.stdout.write(describe(summary, plan))


def describe(summary, plan):
    lines = [
        ("Dry run, nothing written. " if summary.dry_run else "")
        + f'Plan "{plan}"'
        + (" (new)" if summary.plan_created else "")
        + ":"
    ]
    lines.append(f"  themes created: {len(summary.themes_created)}; people created: {len(summary.people_created)}")
    lines.append(f"  actions created: {len(summary.actions_created)}; actions updated: {len(summary.actions_updated)}")
    lines.append(
        f"  milestones created: {summary.milestones_created}; milestones updated: {summary.milestones_updated}"
    )
    lines.append(f"  progress updates added: {summary.updates_added}")
    if getattr(summary, "indicator_values", None):
        created, updated = summary.indicator_values
        lines.append(f"  indicators: {summary.indicators}; figures created: {created}; updated: {updated}")
    lines += [f"  note: {note}" for note in summary.notes]
    if not summary.changed:
        lines.append("  Nothing to change: the plan already matches the file.")
    return "\n".join(lines)
