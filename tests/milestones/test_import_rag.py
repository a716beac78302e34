"""RAG plans import as RAG: Amber is At risk (a status of its own), the plan's scheme comes from the
sheet, a plan's own labels are read, and a status shown only as a cell's fill colour is read."""

import datetime

import pytest
from openpyxl.styles import Color

from milestones import import_values as values
from milestones.models import Milestone, ProgressUpdate
from milestones.status import Status
from plans import services as plan_services
from plans.importing import ImportRefused
from plans.models import Plan
from reports.transfer import plan_parse, plan_workbook_import
from tests.factories import default_organisation

from .import_workbooks import AMBER, BLUE, GREEN, PALE_BAND, RED, coloured_plan

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def today(settings):
    settings.PLAN_TODAY = datetime.date(2012, 1, 16)


def run(content, filename="plan.xlsx", plan="Westmoor", **options):
    return plan_workbook_import(
        plan_name=plan, filename=filename, content=content, owner=default_organisation(), **options
    )


OWN_LABELS = [
    {"status": "achieved", "label": "Signed off", "colour": "blue"},
    {"status": "on_track", "label": "Progressing", "colour": "green"},
    {"status": "at_risk", "label": "Wobbling", "colour": "amber"},
    {"status": "not_on_track", "label": "Stuck", "colour": "red"},
]


def own_words_plan(custom_statuses=OWN_LABELS, name="Own words"):
    """A plan with the council's own status labels, made through the plan services."""
    plan = plan_services.plan_create(actor=None, owner=default_organisation(), name=name)
    return plan_services.plan_update(actor=None, plan=plan, status_scheme="custom", custom_statuses=custom_statuses)


def statuses(plan="Westmoor"):
    """{milestone description: (latest status, its note)}."""
    found = {}
    for milestone in Milestone.objects.filter(action__plan__name=plan):
        update = milestone.updates.order_by("-reporting_month", "-created_at", "-id").first()
        found[milestone.description] = (update.status, update.note) if update else None
    return found


RAG_CSV = (
    "Westmoor Improvement Plan (as at October 2011)\n"
    "\n"
    "Objective,Action,Milestone,Due,Lead,Progress,RAG\n"
    "1. Front door,Screening team,Recruit social workers,31/03/2012,Ann Rowe,Four posts filled.,G\n"
    ",,Publish thresholds,30/09/2011,Ann Rowe,Draft with partners; sign-off delayed a month.,Amber\n"
    ",,Train call handlers,31/12/2011,Ann Rowe,Half the sessions held,A/G\n"
    ",,Audit contacts,31/12/2011,Ann Rowe,,A\n"
    ",,Review thresholds,31/12/2011,Ann Rowe,Nobody available to chair.,R\n"
    "Key: R = off track A = at risk G = on track\n"
)


def test_amber_is_at_risk_with_the_note_as_written_and_the_plan_reports_in_rag():
    summary = run(RAG_CSV.encode(), filename="plan.csv")
    found = statuses()
    assert found["Recruit social workers"] == (Status.ON_TRACK, "Four posts filled.")
    # No "[Amber]" prefix: Amber is At risk, its own status, and the note is the council's words.
    assert found["Publish thresholds"] == (Status.AT_RISK, "Draft with partners; sign-off delayed a month.")
    assert found["Review thresholds"] == (Status.NOT_ON_TRACK, "Nobody available to chair.")
    assert not ProgressUpdate.objects.filter(note__contains="[Amber]").exists()
    # A mixed rating takes its worse colour, and says so.
    assert found["Train call handlers"][0] == Status.AT_RISK
    assert any(f.row == 6 and "“A/G” is read as Amber" in f.message for f in summary.parsed.flags)
    # R, A, G letters and no Blue: the new plan reports in Red, Amber, Green.
    plan = Plan.objects.get(name="Westmoor")
    assert plan.status_scheme == "rag" and summary.parsed.scheme == "rag"
    assert "the new plan reports in Red, Amber, Green" in summary.scheme_note


def test_an_amber_row_with_no_note_is_imported_at_risk_not_refused_nor_downgraded():
    summary = run(RAG_CSV.encode(), filename="plan.csv")
    status, note = statuses()["Audit contacts"]
    assert status == Status.AT_RISK
    assert note == "Rated Amber in the imported file, with no note saying why."
    flag = next(f for f in summary.parsed.flags if f.row == 7)
    assert flag.column == "Progress" and "Amber with no note: imported as At risk" in flag.message


def test_a_red_row_with_no_note_is_still_refused_by_row_and_column():
    content = RAG_CSV.replace("Nobody available to chair.", "").encode()
    with pytest.raises(ImportRefused) as refused:
        run(content, filename="plan.csv")
    assert [(p.row, p.column) for p in refused.value.problems] == [(8, "Progress")]
    assert not Plan.objects.exists()


def test_words_and_blue_make_a_brag_plan_and_a_words_plan_keeps_the_four_statuses():
    brag = RAG_CSV.replace(",G\n", ",Blue\n", 1).encode()
    run(brag, filename="plan.csv", plan="Blue plan")
    assert Plan.objects.get(name="Blue plan").status_scheme == "brag"
    words = (
        "Objective,Action,Due,Lead,Progress,Status\n"
        "Front door,Screening team,31/03/2012,Ann Rowe,Posts filled.,On track\n"
        ",Thresholds,31/03/2012,Ann Rowe,Signed off.,Achieved\n"
        ",Audit,31/03/2012,Ann Rowe,Behind: no auditor.,Not on track\n"
    )
    summary = run(words.encode(), filename="plan.csv", plan="Words plan")
    assert Plan.objects.get(name="Words plan").status_scheme == "four" and summary.parsed.scheme == ""


def test_an_existing_plan_keeps_its_scheme_and_its_own_labels_are_read():
    plan = own_words_plan()
    content = (
        "Objective,Action,Due,Lead,Progress,Status\n"
        "Front door,Screening team,31/03/2012,Ann Rowe,Posts filled.,Progressing\n"
        ",Thresholds,31/03/2012,Ann Rowe,Partners agreed.,signed off\n"
        ",Audit,31/03/2012,Ann Rowe,No auditor yet.,Wobbling\n"
        ",Training,31/03/2012,Ann Rowe,Stuck - trainer left.,\n"
        ",Panel,31/03/2012,Ann Rowe,Venue found.,G\n"
    )
    summary = run(content.encode(), filename="plan.csv", plan="Own words")
    found = {d: s for d, (s, _) in statuses("Own words").items()}
    assert found == {
        "Screening team": Status.ON_TRACK,
        "Thresholds": Status.ACHIEVED,
        "Audit": Status.AT_RISK,
        "Training": Status.NOT_ON_TRACK,  # the label at the start of the note
        "Panel": Status.ON_TRACK,  # RAG letters are still read
    }
    plan.refresh_from_db()
    assert plan.status_scheme == "custom"
    assert summary.scheme_note == ""  # no RAG column: nothing to say about the scheme
    # A RAG sheet into a four-status plan: the plan keeps its scheme, and the preview says how Amber shows.
    four = plan_services.plan_create(actor=None, owner=default_organisation(), name="Four")
    summary = run(RAG_CSV.encode(), filename="plan.csv", plan="Four")
    four.refresh_from_db()
    assert four.status_scheme == "four"
    assert "the plan keeps its status scheme (Achieved, On track, Not on track, Not started)" in summary.scheme_note
    assert "shown as “At risk”" in summary.scheme_note


def test_children_at_risk_in_a_note_is_not_a_status():
    content = (
        "Objective,Action,Due,Lead,Progress,Status\n"
        "Front door,Screening,31/03/2012,Ann Rowe,All children at risk of exploitation are now seen; on track.,\n"
        ",Thresholds,31/03/2012,Ann Rowe,At risk: partners have not signed off.,\n"
        ",Audit,31/03/2012,Ann Rowe,Audit of children at risk of harm done.,\n"
    )
    run(content.encode(), filename="plan.csv", plan="Words")
    found = {d: s for d, (s, _) in statuses("Words").items()}
    assert found == {"Screening": Status.ON_TRACK, "Thresholds": Status.AT_RISK, "Audit": Status.NOT_STARTED}


def test_an_unknown_word_names_the_plans_own_labels():
    own_words_plan(OWN_LABELS[:2])
    parsed = plan_parse(
        plan_name="Own words",
        filename="plan.csv",
        content=b"Objective,Action,Due,Lead,Status\nFront door,Team,31/03/2012,Ann Rowe,Sort of\n",
    )
    assert parsed.problems[0].message.endswith("or one of this plan's own (Signed off, Progressing).")


# --- fill colours ------------------------------------------------------------------------------


def plan_rows():
    return [
        ["1. Strengthen the front door", "1.1", "Multi-agency screening team", "Recruit social workers",
         "31/03/2012", "Ann Rowe", "Four of six posts filled.", None, GREEN],
        [None, None, None, "Publish thresholds", "30/09/2011", "Ann Rowe",
         "Partners have not signed off.", None, AMBER],
        [None, None, None, "Train call handlers", "30/11/2011", "Ann Rowe", None, None, BLUE],
        [None, "1.2", "Audit contacts monthly", "First audit", "31/10/2011", "Tom Black",
         "No auditor since August.", None, RED],
        [None, None, None, "Second audit", "31/12/2011", "Tom Black", None, None, AMBER],
        ["2. Hear the voice of the child", "2.1", "Children in care council", "Recruit members",
         "31/03/2012", "Jo Park", "Six members recruited.", "G", GREEN],
        [None, None, None, "Run the first panel", "31/01/2012", "Jo Park", "Venue booked.", None, None],
    ]  # fmt: skip


def test_a_status_shown_only_by_its_fill_colour_is_read():
    summary = run(coloured_plan(plan_rows()))
    found = statuses()
    assert found["Recruit social workers"] == (Status.ON_TRACK, "Four of six posts filled.")
    assert found["Publish thresholds"] == (Status.AT_RISK, "Partners have not signed off.")
    assert found["Train call handlers"] == (Status.ACHIEVED, "")
    assert found["First audit"] == (Status.NOT_ON_TRACK, "No auditor since August.")
    # Amber by colour alone, with no note: kept at risk, with a note saying where the rating came from.
    assert found["Second audit"] == (
        Status.AT_RISK,
        "Rated Amber (the cell's colour) in the imported file, with no note saying why.",
    )
    assert found["Recruit members"] == (Status.ON_TRACK, "Six members recruited.")  # the letter, as written
    # No colour and no status word: not started, flagged as before.
    assert found["Run the first panel"] == (Status.NOT_STARTED, "Venue booked.")
    # The key below the table is not read as milestones, and the heading's dark fill is no rating.
    assert Milestone.objects.count() == 7
    assert any("below the table" in line for line in summary.parsed.not_imported)
    flag = next(f for f in summary.parsed.flags if f.row == 0 and "fill colours" in f.message)
    assert flag.column == "RAG" and flag.message.startswith("5 statuses were read from the cells' fill colours")
    # Blue among the colours: the new plan reports in Blue, Red, Amber, Green.
    assert Plan.objects.get(name="Westmoor").status_scheme == "brag"


def test_a_key_with_no_heading_below_the_table_is_not_read_as_milestones():
    summary = run(coloured_plan(plan_rows(), key="bare"))
    assert Milestone.objects.count() == 7 and not summary.parsed.problems
    assert any(line.startswith("Rows ") and "Complete" in line for line in summary.parsed.not_imported)


def test_theme_and_indexed_colours_are_read_and_a_highlighted_row_is_not_a_rating():
    rows = plan_rows()
    rows[0][-1] = Color(theme=6)  # accent 3 of the default Office theme: green (9BBB59)
    rows[1][-1] = Color(theme=9, tint=-0.25)  # accent 6, darker: orange (F79646)
    rows[3][-1] = Color(indexed=10)  # the legacy palette's red
    rows[4][-1] = PALE_BAND
    content = coloured_plan(rows, fills_beside={2: BLUE})  # the whole row highlighted blue
    run(content)
    found = statuses()
    assert found["Recruit social workers"][0] == Status.ON_TRACK
    assert found["Publish thresholds"][0] == Status.AT_RISK
    assert found["First audit"][0] == Status.NOT_ON_TRACK
    # A pale banding colour is no rating; the row says no status, so it is not started (flagged).
    assert found["Second audit"] is None
    # The action and milestone cells are the same blue as the status cell: a highlighted row, not Blue.
    assert found["Train call handlers"] is None


def test_a_coloured_progress_cell_rates_the_row_when_there_is_no_status_column():
    headings = ["Priority objective", "Ref", "Key action", "Milestone", "By when", "Lead", "Progress update"]
    rows = [
        ["1. Front door", "1.1", "Screening team", "Recruit social workers", "31/03/2012", "Ann Rowe",
         "Four of six posts filled.", RED],
        [None, None, None, "Publish thresholds", "30/09/2011", "Ann Rowe", "On track: draft agreed.", RED],
        [None, None, None, "Train call handlers", "30/11/2011", "Ann Rowe", None, GREEN],
    ]  # fmt: skip
    run(coloured_plan(rows, headings=headings, status_column=None))
    found = statuses()
    assert found["Recruit social workers"] == (Status.NOT_ON_TRACK, "Four of six posts filled.")
    assert found["Publish thresholds"][0] == Status.ON_TRACK  # the words win over the colour
    assert found["Train call handlers"] == (Status.ON_TRACK, "")


def test_an_uncoloured_sheet_with_a_blank_status_column_is_read_as_before():
    content = coloured_plan([row[:-2] + [None, None] for row in plan_rows()], key=False)
    summary = run(content)
    assert summary.parsed.scheme == "" and Plan.objects.get().status_scheme == "four"
    assert not any("fill colours" in f.message for f in summary.parsed.flags)
    assert statuses()["Publish thresholds"] == (Status.NOT_STARTED, "Partners have not signed off.")


@pytest.mark.parametrize(
    "rgb, rag",
    [
        ("FFFF0000", "Red"),
        ("FFC00000", "Red"),  # dark red
        ("FFFFC7CE", "Red"),  # Excel's "Bad" pink
        ("FFFFC000", "Amber"),
        ("FFFFFF00", "Amber"),  # yellow is drawn for Amber
        ("FFF79646", "Amber"),  # orange
        ("FF00B050", "Green"),
        ("FF92D050", "Green"),  # light green
        ("FFC6EFCE", "Green"),  # Excel's "Good" green
        ("FF0070C0", "Blue"),
        ("FF00B0F0", "Blue"),
        ("FFFFFFFF", ""),  # white
        ("FFD9D9D9", ""),  # grey
        ("FF000000", ""),
        ("FFDCE6F1", ""),  # pale banding blue
        ("FF7030A0", ""),  # purple
        ("", ""),
        (None, ""),
        ("not a colour", ""),
    ],
)
def test_fill_colours_are_classified_by_hue(rgb, rag):
    assert values.rag_for_colour(rgb) == rag


def test_the_preview_and_the_command_say_which_scheme_was_found(client, users, settings, tmp_path, capsys):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.urls import reverse

    settings.MEDIA_ROOT = str(tmp_path)
    client.force_login(users["programme_manager"])
    upload = SimpleUploadedFile("westmoor.xlsx", coloured_plan(plan_rows()))
    response = client.post(reverse("reports:import"), {"plan": "Westmoor", "file": upload})
    html = client.get(response.url).content.decode()
    assert "Statuses are written as RAG ratings (Blue, Red, Amber, Green): Amber is imported as At risk." in html
    assert "Status scheme: RAG ratings in the file (Blue, Red, Amber, Green): the new plan reports in Blue" in html
    assert "5 statuses were read from the cells&#x27; fill colours" in html
    path = tmp_path / "plan.csv"
    path.write_text(RAG_CSV)
    call_command("import_plan", str(path), "--plan", "Cmd", "--organisation", "Westmoor Council", "--dry-run")
    out = capsys.readouterr().out
    assert "  statuses: RAG ratings in the file (Red, Amber, Green, Complete): the new plan reports in Red" in out


# --- an export written in the plan's words imports back ----------------------------------------


def _own_words_plan():
    plan = own_words_plan([{**OWN_LABELS[0], "meaning": "Done and evidenced"}, *OWN_LABELS[1:]])
    content = (
        "Objective,Action,Due,Lead,Progress,Status\n"
        "Front door,Screening team,31/03/2012,Ann Rowe,Oct 2011 - Progressing. Nov 2011 - Posts filled.,Signed off\n"
        ",Audit,31/03/2012,Ann Rowe,No auditor yet.,Wobbling\n"
    )
    run(content.encode(), filename="plan.csv", plan="Own words")
    plan.refresh_from_db()
    return plan


def test_a_rag_plans_export_imports_back_into_itself_and_into_a_new_plan():
    from reports.transfer import plan_export

    run(RAG_CSV.encode(), filename="plan.csv")
    plan = Plan.objects.get(name="Westmoor")
    exported = plan_export(plan)  # statuses written as Red, Amber, Green, Complete
    again = run(exported, filename="export.xlsx")
    assert not again.changed and not again.parsed.problems
    copy = run(exported, filename="export.xlsx", plan="Copy")
    assert Plan.objects.get(name="Copy").status_scheme == "rag" and copy.parsed.scheme == "rag"
    assert statuses("Copy") == statuses("Westmoor")
    history = lambda name: sorted(  # noqa: E731
        ProgressUpdate.objects.filter(milestone__action__plan__name=name).values_list(
            "milestone__description", "reporting_month", "status", "note"
        )
    )
    assert history("Copy") == history("Westmoor")


def test_a_plan_with_its_own_labels_exports_its_key_and_a_new_plan_gets_them():
    from reports.transfer import plan_export

    plan = _own_words_plan()
    exported = plan_export(plan)
    copy = run(exported, filename="export.xlsx", plan="Copy")
    new = Plan.objects.get(name="Copy")
    assert new.status_scheme == "custom"
    assert [(e["status"], e["label"], e["colour"]) for e in new.custom_statuses] == [
        ("achieved", "Signed off", "blue"),
        ("on_track", "Progressing", "green"),
        ("at_risk", "Wobbling", "amber"),
        ("not_on_track", "Stuck", "red"),
    ]
    assert new.custom_statuses[0]["meaning"] == "Done and evidenced"
    assert "The file's own statuses (Signed off, Progressing, Wobbling, Stuck" in copy.scheme_note
    assert statuses("Copy") == statuses("Own words")
    assert ProgressUpdate.objects.filter(milestone__action__plan=new).count() == 3
    assert not any("Status key" in line for line in copy.parsed.not_imported)
    assert not run(exported, filename="export.xlsx", plan="Own words").changed


def test_yellow_is_amber_and_a_councils_own_key_sheet_is_listed_not_read():
    from openpyxl import Workbook

    from .import_workbooks import save

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Plan"
    sheet.append(["Objective", "Action", "Due", "Lead", "Progress", "RAG"])
    sheet.append(["Front door", "Screening team", "31/03/2012", "Ann Rowe", "Posts advertised twice.", "Yellow"])
    sheet.append([None, "Thresholds", "31/03/2012", "Ann Rowe", "Agreed.", "Green"])
    key = workbook.create_sheet("Status key")
    key.append(["Colour", "What it means"])
    key.append(["Red", "Will not be delivered without help"])
    key.append(["Yellow", "Some slippage"])
    summary = run(save(workbook))
    assert statuses()["Screening team"] == (Status.AT_RISK, "Posts advertised twice.")
    assert any(
        f.row == 2 and f.message == "“Yellow” is read as Amber: imported as At risk." for f in summary.parsed.flags
    )
    assert "The sheet “Status key” is not imported: it names no status." in summary.parsed.not_imported
    assert Plan.objects.get().status_scheme == "rag"
