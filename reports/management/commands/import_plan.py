"""Import a plan from a council's own spreadsheet (.xlsx or .csv), all or nothing."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from milestones.import_layout import FIELDS, clean_heading
from plans.importing import ImportRefused
from plans.models import Organisation, Plan
from reports.transfer import plan_workbook_import, refusal
from safeguarding import dates


class Command(BaseCommand):
    help = (
        "Import (or re-import) a plan from an .xlsx or .csv plan or milestone report; the table, its headings and "
        "the sheet are found and mapped as the preview does; nothing is written if a row is wrong."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--plan", required=True, help="The plan's name (created if new).")
        parser.add_argument("--dry-run", action="store_true", help="Show what would change; write nothing.")
        parser.add_argument(
            "--organisation",
            help="The organisation that owns the plan: needed for a new plan (created if new), or when two "
            "organisations have a plan of that name.",
        )
        parser.add_argument("--as-at", help="The month undated progress notes report on (YYYY-MM).")
        parser.add_argument("--sheet", help="The sheet holding the plan (found by its headings otherwise).")
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="HEADING=FIELD",
            help=f"Read a column as a field (repeatable); FIELD is one of {', '.join(FIELDS)}, or 'none'.",
        )
        parser.add_argument(
            "--objectives-as",
            choices=["themes", "actions"],
            help="Objectives become themes (the default) or actions (their key actions then become milestones).",
        )

    def handle(self, *args, path, plan, dry_run, organisation=None, **options):
        file = Path(path)
        if not file.exists():
            raise CommandError(f"No file at {file}.")
        as_at = None
        if options.get("as_at"):
            as_at = dates.parse_month(options["as_at"])
            if as_at is None:
                raise CommandError(f"--as-at {options['as_at']} is not a month: write it like 2011-08.")
        mapping = {}
        for item in options.get("map") or []:
            heading, sep, name = item.rpartition("=")
            name = name.strip().lower()
            name = "" if name in ("none", "not imported", "-") else name
            if not sep or not heading.strip() or (name and name not in FIELDS):
                raise CommandError(
                    f'--map {item}: write it as "Heading=field", field one of {", ".join(FIELDS)}, none.'
                )
            mapping[clean_heading(heading)] = name
        existing = list(Plan.objects.named(plan, organisation or None).select_related("owner")[:10])
        if not existing and not organisation:
            raise CommandError(f'"{plan}" is a new plan: name the organisation that owns it with --organisation.')
        if len(existing) > 1:
            owners = ", ".join(sorted(str(p.owner) for p in existing))
            raise CommandError(f'Plans called "{plan}" belong to {owners}: say which with --organisation.')
        try:
            with transaction.atomic():  # a dry run's new organisation is rolled back with the rest
                owner = existing[0].owner if existing else None
                if organisation and not existing:
                    # "haringey council " is Haringey Council, not a new organisation.
                    name = " ".join(organisation.split())
                    owner = Organisation.objects.filter(name__iexact=name).first() or Organisation.objects.create(
                        name=name
                    )
                summary = self._import(file, plan, dry_run, owner, mapping, as_at, options)
                if dry_run:
                    transaction.set_rollback(True)
        except ImportRefused as refused:
            raise refusal(self, file.name, refused) from refused
        self.stdout.write(describe(summary, plan))

    def _import(self, file, plan, dry_run, owner, mapping, as_at, options):
        return plan_workbook_import(
            plan_name=plan,
            filename=file.name,
            content=file.read_bytes(),
            dry_run=dry_run,
            owner=owner,
            mapping=mapping or None,
            sheet=options.get("sheet"),
            as_at=as_at,
            objectives_as=options.get("objectives_as"),
        )


def describe(summary, plan):
    parsed = getattr(summary, "parsed", None)
    lines = [
        ("Dry run, nothing written. " if summary.dry_run else "")
        + f'Plan "{plan}"'
        + (" (new)" if summary.plan_created else "")
        + ":"
    ]
    if parsed:
        lines.append(f"  read from sheet '{parsed.sheet}', heading row {parsed.header_number}; columns:")
        lines += [
            f"    {c['letter']} {c['heading']!r} -> {FIELDS.get(c['field'], 'not imported')}"
            + (f" (from its {c['how']})" if c["how"] in ("heading", "values") else f" ({c['how']})" if c["how"] else "")
            for c in parsed.columns
        ]
        lines.append(
            f"  undated notes reported in {dates.month_label(parsed.as_at)} ({parsed.as_at_source or 'chosen'})"
        )
    lines.append(f"  themes created: {len(summary.themes_created)}; people created: {len(summary.people_created)}")
    lines.append(f"  actions created: {len(summary.actions_created)}; actions updated: {len(summary.actions_updated)}")
    lines.append(
        f"  milestones created: {summary.milestones_created}; milestones updated: {summary.milestones_updated}"
    )
    lines.append(f"  progress updates added: {summary.updates_added}")
    if summary.scheme_note:
        lines.append(f"  statuses: {summary.scheme_note}")
    if summary.versions_created or summary.approvals_created or summary.glossary_created:
        lines.append(
            f"  versions: {summary.versions_created}; approvals: {summary.approvals_created}; "
            f"glossary terms: {summary.glossary_created}"
        )
    if getattr(summary, "indicator_values", None):
        created, updated = summary.indicator_values
        lines.append(f"  indicators: {summary.indicators}; figures created: {created}; updated: {updated}")
    lines += [f"  note: {note}" for note in summary.notes]
    if parsed:
        lines += [f"  check: {flag}" for flag in parsed.flags]
        lines += [f"  not imported: {line}" for line in parsed.not_imported]
    if not summary.changed:
        lines.append("  Nothing to change: the plan already matches the file.")
    return "\n".join(lines)
