"""Import from the users' own spreadsheets, export, round trip."""

import datetime
import io
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook

from indicators.importing import indicator_values_import
from indicators.models import IndicatorValue
from milestones.models import Milestone, ProgressUpdate
from plans.importing import ImportRefused
from plans.models import Action, Plan
from reports.transfer import plan_export, plan_workbook_import
from tests.factories import default_organisation

from ..test_demo_plan import EXPECTED

pytestmark = pytest.mark.django_db

SEED_CSV = Path(settings.BASE_DIR) / "tests" / "data" / "seed001_milestone_report.csv"
HEADER = "Action,Action Lead,Milestones,Planned Start Date,Due Date,Status,Progress Note,Milestone Lead,Theme\n"


def import_for_haringey(**kwargs):
    """Import as the default organisation's programme manager would: a new plan belongs to it."""
    return plan_workbook_import(owner=default_organisation(), **kwargs)


def import_csv(text, plan="Imported", dry_run=False):
    return import_for_haringey(plan_name=plan, filename="plan.csv", content=text.encode(), dry_run=dry_run)


def state(plan_name):
    plan = Plan.objects.get(name=plan_name)
    milestones = Milestone.objects.for_plan(plan).with_current_status().order_by("action__ref_sort_key", "order", "id")
    return [
        (
            m.action.ref,
            m.action.title,
            m.description,
            m.planned_start,
            m.due_date,
            m.current_status,
            m.current_note,
            m.lead.name,
        )
        for m in milestones.select_related("action", "lead")
    ]


def test_the_seed_milestone_report_pasted_into_a_spreadsheet_imports(plan_today):
    summary = import_for_haringey(plan_name="Haringey", filename=SEED_CSV.name, content=SEED_CSV.read_bytes())
    plan = Plan.objects.get(name="Haringey")
    assert (len(summary.actions_created), summary.milestones_created) == (41, 146)
    counts = Counter(
        Milestone.objects.for_plan(plan).with_current_status().values_list("action__theme__name", "current_status")
    )
    for theme, expected in EXPECTED.items():
        assert {s: counts[(f"JAR- {theme}", s)] for s in expected} == expected, theme
    joint = Milestone.objects.get(action__plan=plan, description__startswith="Joint communications")
    assert joint.lead.name == "Peter Lewis"  # "As above"
    assert joint.updates.get().reporting_month == datetime.date(2009, 10, 1)


def test_reimporting_the_same_file_changes_nothing(plan_today):
    content = SEED_CSV.read_bytes()
    import_for_haringey(plan_name="Haringey", filename="seed.csv", content=content)
    before = (state("Haringey"), ProgressUpdate.objects.count())
    summary = import_for_haringey(plan_name="Haringey", filename="seed.csv", content=content)
    assert not summary.changed
    assert (state("Haringey"), ProgressUpdate.objects.count()) == before


def test_dry_run_writes_nothing(plan_today):
    summary = import_for_haringey(
        plan_name="Haringey", filename="seed.csv", content=SEED_CSV.read_bytes(), dry_run=True
    )
    assert summary.milestones_created == 146 and summary.dry_run
    assert not Plan.objects.exists() and not Milestone.objects.exists()


def test_a_file_with_errors_changes_nothing_and_names_each_bad_row(plan_today):
    text = HEADER + (
        "1.01 Create a culture,Peter Lewis,Good milestone,01 Jul 2009,30 Sep 2009,,Sep 2009 - Achieved,,Leadership\n"
        ",,Bad date,01 Jul 2009,31 Spe 2009,,,,\n"
        ",,Bad status,01 Jul 2009,30 Sep 2009,Sort of,,,\n"
        ",,,01 Jul 2009,30 Sep 2009,,,,\n"
        ",,Slipping,01 Jul 2009,30 Sep 2009,Not on track,,,\n"
        ",,Backwards,01 Sep 2009,01 Aug 2009,,,,\n"
    )
    with pytest.raises(ImportRefused) as refused:
        import_csv(text)
    problems = [str(p) for p in refused.value.problems]
    assert problems == [
        "Row 3, Due Date: '31 Spe 2009' is not a date: write it like 31 Oct 2009, 31/10/2009 or Oct 2009 "
        "(or a financial year, 2011/12).",
        "Row 4, Status: 'Sort of' is not a status: use Achieved, On track, At risk, Not on track, Not started, "
        "or a RAG rating (Blue, Green, Amber, Red).",
        "Row 5, Milestones: empty: every row needs a milestone description.",
        "Row 6, Progress Note: a milestone not on track needs a note saying why.",
        "Row 7, Due Date: 01 Aug 2009 is before the planned start date 01 Sep 2009.",
    ]
    assert not Plan.objects.exists() and not Milestone.objects.exists()


def test_messy_spreadsheets_are_read(plan_today):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(
        [
            "  REF ",
            "action",
            "ACTION LEAD",
            "milestone",
            "Planned start",
            " due date ",
            "STATUS",
            "progress note",
            "Milestone lead",
            "THEME",
        ]
    )
    rows = [
        [
            "2.11",
            "Core training",
            "Rachel Oakley",
            "Excel dates",
            datetime.datetime(2009, 10, 1),
            datetime.datetime(2010, 3, 31),
            "On Track",
            "",
            "",
            "Capacity",
        ],
        ["", "", "", "Month-only due", "Sep 2009", "Oct-09", "Achieve", "", "Rachel  Oakley", ""],
        ["", "", "", "UK slashes", "01/07/2009", "31/12/2009", "Complete", "Oct 2009 - done", "as above", ""],
        [
            "",
            "",
            "",
            "Not achieved word",
            "01/07/2009",
            "31/12/2009",
            "Not achieved",
            "Oct 2009 - delayed by funding",
            "",
            "",
        ],
        [
            "",
            "",
            "",
            "Status from the note",
            "",
            "30 Nov 2009",
            "",
            "Oct 2009 - On track. Meetings held.",
            "Julie Quinn",
            "",
        ],
        ["", "", "", "Nothing yet", "", "30 Nov 2009", "", "", "", ""],
    ]
    for row in rows:
        sheet.append(row)
    output = io.BytesIO()
    workbook.save(output)
    import_for_haringey(plan_name="Messy", filename="messy.xlsx", content=output.getvalue())
    got = {m.description: m for m in Milestone.objects.with_current_status().select_related("lead")}
    assert (
        got["Excel dates"].planned_start == datetime.date(2009, 10, 1)
        and got["Excel dates"].current_status == "on_track"
    )
    assert got["Month-only due"].planned_start == datetime.date(2009, 9, 1)
    assert (
        got["Month-only due"].due_date == datetime.date(2009, 10, 31)
        and got["Month-only due"].current_status == "achieved"
    )
    assert got["UK slashes"].due_date == datetime.date(2009, 12, 31) and got["UK slashes"].current_status == "achieved"
    assert got["UK slashes"].lead.name == "Rachel Oakley"  # "as above", and the doubled space folded
    assert got["Not achieved word"].current_status == "not_on_track"
    assert (
        got["Status from the note"].current_status == "on_track"
        and got["Status from the note"].lead.name == "Julie Quinn"
    )
    assert got["Nothing yet"].current_status == "not_started" and got["Nothing yet"].lead.name == "Rachel Oakley"
    assert Action.objects.get(ref="2.11").title == "Core training"


def test_export_then_import_gives_the_same_plan(demo):
    content = plan_export(demo)
    import_for_haringey(plan_name="Copy", filename="export.xlsx", content=content)
    assert state("Copy") == state(demo.name)
    copy = Plan.objects.get(name="Copy")
    assert (
        ProgressUpdate.objects.filter(milestone__action__plan=copy).count()
        == ProgressUpdate.objects.filter(milestone__action__plan=demo).count()
    )

    def figures(plan):
        return sorted(
            IndicatorValue.objects.filter(indicator__plan=plan).values_list(
                "indicator__code", "period", "value", "no_data"
            )
        )  # noqa: E731

    assert figures(copy) == figures(demo)


def test_import_and_export_commands(demo, tmp_path, capsys):
    path = tmp_path / "plan.xlsx"
    call_command("export_plan", "--plan", demo.name, "--output", str(path))
    call_command("import_plan", str(path), "--plan", demo.name)
    assert "Nothing to change" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "1.01 X,Lead,Thing,01 Jul 2009,someday,,,,Theme\n")
    with pytest.raises(CommandError, match="was not imported: 1 problem"):
        call_command("import_plan", str(bad), "--plan", demo.name)
    assert "Row 2, Due Date: 'someday' is not a date" in capsys.readouterr().err


def test_indicator_figures_import_all_or_nothing(demo):
    rows = [
        ["Code", "Period", "Value", "Numerator", "Denominator", "Target", "Comment"],
        ["NI 65", "Oct 2009", "", "3", "20", "10", "Small numbers"],
        ["NI 64", "2009-10", "140", "", "", "", ""],
        ["NI 61", "2009-10", "", "9", "4", "", ""],
        ["NI 999", "2009-10", "5", "", "", "", ""],
    ]
    with pytest.raises(ImportRefused) as refused:
        indicator_values_import(plan=demo, rows=rows)
    assert [str(p) for p in refused.value.problems] == [
        "Row 3, Value: A percentage must be between 0 and 100 (you entered 140).",
        "Row 4, Numerator: The numerator (9) is larger than the denominator (4).",
        "Row 5, Code: 'NI 999' is not an indicator of this plan.",
    ]
    assert not IndicatorValue.objects.filter(period=datetime.date(2009, 10, 1)).exists()
    created, updated = indicator_values_import(plan=demo, rows=rows[:2])
    value = IndicatorValue.objects.get(indicator__code="NI 65", period=datetime.date(2009, 10, 1))
    assert (created, updated, value.value) == (1, 0, 15)


ROLES = ["programme_manager", "milestone_lead", "performance_officer", "scrutiny_member"]


@pytest.mark.parametrize("role", ROLES)
def test_upload_preview_confirm_for_the_programme_manager_only(client, users, plan_today, role, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    client.force_login(users[role])
    response = client.post(reverse("reports:import"), {"plan": "Uploaded", "file": open(SEED_CSV, "rb")})
    if role != "programme_manager":
        assert response.status_code == 403 and not Plan.objects.exists()
        return
    preview = client.get(response.url)
    assert "Milestones created: 146" in preview.content.decode() and not Plan.objects.exists()
    done = client.post(response.url)
    assert Milestone.objects.filter(action__plan__name="Uploaded").count() == 146
    # The import runs as a job; its page sends the programme manager on to the plan once it is done.
    assert client.get(done.url).url == Plan.objects.get(name="Uploaded").get_absolute_url()


def test_a_corrupt_or_wrong_file_gets_a_message(client, users, tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path)
    client.force_login(users["programme_manager"])
    bad = io.BytesIO(b"this is not a zip")
    bad.name = "plan.xlsx"
    response = client.post(reverse("reports:import"), {"plan": "X", "file": bad})
    assert "not a readable .xlsx workbook" in client.get(response.url).content.decode()
    wrong = io.BytesIO(b"hello")
    wrong.name = "plan.docx"
    assert (
        "Choose an .xlsx or .csv file."
        in client.post(reverse("reports:import"), {"plan": "X", "file": wrong}).content.decode()
    )
