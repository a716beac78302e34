"""Councils' own plans, in the layouts and value forms they write, import with no edits.

Every sheet here is invented for the test (built with openpyxl or as CSV text)."""

import datetime
import io

import pytest
from django.core.management import call_command
from openpyxl import Workbook

from milestones.models import Milestone, ProgressUpdate
from milestones.status import Status
from plans.importing import ImportRefused
from plans.models import Action, GlossaryTerm, Person, Plan, PlanApproval, PlanVersion, Role, Theme
from reports.models import ImportSettings
from reports.transfer import plan_parse, plan_workbook_import
from tests.factories import UserFactory, default_organisation

pytestmark = pytest.mark.django_db

HEADINGS = ["Priority objectives", "No.", "Key Actions", "By when", "By whom", "Outcome", "Progress", "RAG",
            "Ofsted para no"]  # fmt: skip


@pytest.fixture(autouse=True)
def today(settings):
    settings.PLAN_TODAY = datetime.date(2012, 1, 16)


def xlsx(sheets):
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def council_plan():
    """Title rows, a key below, and other sheets beside: the way a council's plan arrives."""
    plan = [
        ["Brookfield Borough Council"],
        ["Children's Improvement Plan (as at August 2011)"],
        [],
        HEADINGS,
        ["1. Strengthen the front door", None, "Set up a multi-agency screening team", "March 2011",
         "Ann Rowe – Head of Referrals", "Referrals screened within 24 hours",
         "12/05/11 – Team recruited, on track. 03/06/11 – Complete, team live.", "B", "12"],
        [None, None, "Publish thresholds guidance", "Sept 11", "ann.rowe@brookfield.example",
         "Partners apply thresholds", "Draft circulated to partners.", "A", "13"],
        [None, None, "Audit contacts monthly", "Ongoing", "Quality Team & Board Secretary", "Audits show improvement",
         "Red - audits slipped because of staff absence.", "R", None],
        ["2. Improve assessment timeliness", None, "Caseload review", "2011/12", "HSCB", "Caseloads below 20",
         "On track: review under way.", "G", "20"],
        [None, None, "Quarterly audit of assessments", "Q3 2011/12", "as above", "Audit shows 80% good",
         "Audit tool agreed.", None, None],
        [None, None, "Report to scrutiny", "To be reported on Aug 2011", "Cllr Tom Black", "", "", None, None],
        ["3. Hear the voice of the child", None, None, None, None, None, None, None, None],
        [],
        ["Key: B = complete, G = on track, A = some slippage, R = off track"],
    ]  # fmt: skip
    return xlsx(
        {
            "Version control": [["Version", "Date", "Change", "Approved by"], ["V0.1", "01/02/2011", "First draft", ""],
                                ["V1.0", "15/03/2011", "Agreed", "Children's Trust"]],
            "Improvement plan": plan,
            "Abbreviations": [["Abbreviation", "Meaning"], ["HSCB", "Brookfield Safeguarding Children Board"],
                              ["RAG", "Red, amber, green"]],
            "Sources": [["Ofsted report, June 2010"]],
        }
    )  # fmt: skip


def run(content, filename="plan.xlsx", plan="Brookfield", **options):
    return plan_workbook_import(
        plan_name=plan, filename=filename, content=content, owner=default_organisation(), **options
    )


def latest(milestone):
    return milestone.updates.order_by("-reporting_month", "-created_at", "-id").first()


def test_a_councils_plan_is_found_mapped_and_imported_as_written():
    summary = run(council_plan())
    parsed = summary.parsed
    assert parsed.sheet == "Improvement plan" and parsed.header_number == 4
    mapping = parsed.mapping
    assert mapping == {
        "priority objectives": "theme",
        "no": "ref",
        "key actions": "action",
        "by when": "due",
        "by whom": "lead",
        "outcome": "outcome",
        "progress": "note",
        "rag": "status",
        "ofsted para no": "source",
    }
    plan = Plan.objects.get(name="Brookfield")
    themes = list(Theme.objects.filter(plan=plan).order_by("order").values_list("name", flat=True))
    assert themes == [
        "1. Strengthen the front door",
        "2. Improve assessment timeliness",
        "3. Hear the voice of the child",  # an objective with no actions is kept
    ]
    assert list(Action.objects.filter(plan=plan).order_by("ref_sort_key").values_list("ref", flat=True)) == [
        "1.1", "1.2", "1.3", "2.1", "2.2", "2.3",
    ]  # fmt: skip
    assert Milestone.objects.filter(action__plan=plan).count() == 6
    assert Action.objects.get(plan=plan, ref="1.1").sources == "12"
    # The key below the table and the sources sheet are listed, not silently dropped.
    assert any("below the table" in line for line in parsed.not_imported)
    assert any("Sources" in line for line in parsed.not_imported)
    # Versions, approvals and abbreviations sheets.
    assert list(PlanVersion.objects.filter(plan=plan).values_list("label", flat=True).order_by("label")) == [
        "V0.1",
        "V1.0",
    ]
    assert PlanApproval.objects.get(version__plan=plan).body == "Children's Trust"
    assert GlossaryTerm.objects.filter(plan=plan).count() == 2
    # The mapping is saved with the plan.
    assert ImportSettings.objects.get(plan=plan).mapping["by whom"] == "lead"


def test_dates_timescales_and_statuses_as_councils_write_them():
    run(council_plan())
    m = {x.action.ref: x for x in Milestone.objects.select_related("action", "lead")}
    assert m["1.1"].due_date == datetime.date(2011, 3, 31)  # "March 2015" form: the month's last day
    assert m["1.2"].due_date == datetime.date(2011, 9, 30)  # "Sept 11"
    assert m["1.3"].due_date is None and m["1.3"].description.endswith("(Timescale: Ongoing)")
    assert m["2.1"].due_date == datetime.date(2012, 3, 31)  # 2011/12
    assert m["2.2"].due_date == datetime.date(2011, 12, 31)  # Q3 2011/12
    assert m["2.3"].due_date == datetime.date(2011, 8, 31)
    assert "To be reported on Aug 2011" in m["2.3"].description  # the words kept
    # Blue, Green, Amber and Red are four statuses; the note is kept as written.
    assert latest(m["1.1"]).status == Status.ACHIEVED
    assert latest(m["2.1"]).status == Status.ON_TRACK
    assert latest(m["1.3"]).status == Status.NOT_ON_TRACK
    amber = latest(m["1.2"])
    assert amber.status == Status.AT_RISK and amber.note == "Draft circulated to partners."
    # B/R/A/G letters: the new plan reports in Blue, Red, Amber, Green.
    assert Plan.objects.get(name="Brookfield").status_scheme == "brag"


def test_flags_say_what_was_judged():
    parsed = run(council_plan(), dry_run=True).parsed
    flags = [(f.row, f.message) for f in parsed.flags]
    assert not any(row == 6 for row, message in flags)  # Amber is a status of its own: nothing to judge
    # "Audit tool agreed." says no status word and the RAG cell is blank: not started, flagged.
    assert any(row == 9 and "imported as Not started" in message for row, message in flags)
    assert any(row == 7 and "Board Secretary is a supporting lead" in message for row, message in flags)
    assert not Plan.objects.exists()


def test_a_progress_cell_with_several_dated_entries_becomes_several_updates():
    run(council_plan())
    milestone = Milestone.objects.get(action__ref="1.1")
    updates = list(milestone.updates.order_by("reporting_month", "id").values_list("reporting_month", "status"))
    assert updates == [(datetime.date(2011, 5, 1), Status.ON_TRACK), (datetime.date(2011, 6, 1), Status.ACHIEVED)]


def test_undated_notes_get_the_as_at_month_from_the_title_or_as_chosen():
    run(council_plan())
    assert latest(Milestone.objects.get(action__ref="2.1")).reporting_month == datetime.date(2011, 8, 1)
    parsed = plan_parse(
        plan_name="Other", filename="plan.xlsx", content=council_plan(), as_at=datetime.date(2011, 9, 1)
    )
    assert parsed.as_at == datetime.date(2011, 9, 1)


def test_an_undated_note_in_a_document_with_no_month_is_flagged_not_silently_today():
    content = "Action,Lead,Progress\nWrite the audit plan,Jo Park,Drafting under way - on track\n".encode()
    parsed = plan_parse(plan_name="X", filename="plan.csv", content=content)
    assert parsed.as_at_source.startswith("not found")
    assert parsed.flags[0].column == "As at"


def test_leads_as_written_emails_job_titles_teams():
    run(council_plan())
    rowe = Person.objects.get(name="Ann Rowe")
    assert rowe.job_title == "Head of Referrals"
    email_lead = Milestone.objects.get(action__ref="1.2").lead
    assert email_lead.email == "ann.rowe@brookfield.example"
    assert Milestone.objects.get(action__ref="2.1").lead.name == "HSCB"  # a board may lead
    assert Milestone.objects.get(action__ref="2.2").lead.name == "HSCB"  # "as above"
    two = Milestone.objects.get(action__ref="1.3")
    # Two leads in one cell: the first leads, the other supports (and can update it); the note is as written.
    assert two.lead.name == "Quality Team"
    assert [p.name for p in two.supporting_leads.all()] == ["Board Secretary"]
    assert "Board Secretary" not in latest(two).note


def test_two_leads_in_one_cell_both_can_update_and_a_reimport_keeps_supporting_leads():
    content = (
        "Ref,Action,Milestone,Lead,Due,Progress\n"
        "1.1,Improve attainment,Virtual school in place,"
        "Debbie Haith – Deputy Director – Children's Services & Sarah Parker – Head of Children's Commissioning,"
        "March 2011,On track\n"
    ).encode()
    summary = run(content, filename="plan.csv", plan="Two leads", as_at=datetime.date(2010, 10, 1))
    assert summary.milestones_created == 1
    milestone = Milestone.objects.get(action__plan__name="Two leads")
    assert milestone.lead.name == "Debbie Haith"
    parker = milestone.supporting_leads.get()
    assert (parker.name, parker.job_title) == ("Sarah Parker", "Head of Children's Commissioning")
    # Sarah Parker signs in: she may update the milestone she supports.
    parker_user = UserFactory(role=Role.MILESTONE_LEAD, role__plan=milestone.action.plan)
    parker.user = parker_user
    parker.save()
    assert milestone.can_be_updated_by(parker_user)
    # Importing the same sheet again adds nothing twice.
    run(content, filename="plan.csv", plan="Two leads", as_at=datetime.date(2010, 10, 1))
    assert list(milestone.supporting_leads.values_list("name", flat=True)) == ["Sarah Parker"]


def test_the_saved_mapping_is_used_next_month_and_a_choice_overrides_it():
    run(council_plan())
    settings = ImportSettings.objects.get(plan__name="Brookfield")
    settings.mapping["ofsted para no"] = ""  # the programme manager chose "not imported" last month
    settings.save()
    parsed = plan_parse(plan_name="Brookfield", filename="plan.xlsx", content=council_plan())
    column = next(c for c in parsed.columns if c["key"] == "ofsted para no")
    assert (column["field"], column["how"]) == ("", "saved")
    parsed = plan_parse(plan_name="Brookfield", filename="plan.xlsx", content=council_plan(), mapping={"outcome": ""})
    assert parsed.mapping["outcome"] == "" and parsed.mapping["ofsted para no"] == ""
    # Re-importing the same file changes nothing.
    assert not run(council_plan()).changed


def test_objectives_can_become_actions_with_their_key_actions_as_milestones():
    run(council_plan(), objectives_as="actions")
    plan = Plan.objects.get(name="Brookfield")
    assert list(Theme.objects.filter(plan=plan).values_list("name", flat=True)) == ["Priority objectives"]
    actions = {a.ref: a for a in Action.objects.filter(plan=plan)}
    assert sorted(actions) == ["1", "2", "3"]
    assert actions["1"].milestones.count() == 3 and actions["3"].milestones.count() == 0


def test_headings_unknown_to_the_synonyms_are_mapped_from_their_values():
    content = (
        "Workstream,Task,Deadline (agreed),Person,Where we are,Colour\n"
        "Early help,Map services,31/03/2011,Lee Cho,01/03/11 - mapping done - achieved,Blue\n"
        ",Recruit coordinators,30/06/2011,Lee Cho,01/06/11 - interviews held - on track,Green\n"
        ",Launch hub,30/09/2011,Lee Cho,01/09/11 - delayed by building works,Red\n"
    ).encode()
    parsed = plan_parse(plan_name="X", filename="plan.csv", content=content)
    by = {c["heading"]: (c["field"], c["how"]) for c in parsed.columns}
    assert by["Deadline (agreed)"] == ("due", "heading")
    assert by["Where we are"] == ("note", "values")
    assert by["Colour"] == ("status", "values")
    assert by["Workstream"] == ("", "")  # not recognised: listed as not imported, and choosable in the preview
    assert any("Workstream" in line for line in parsed.not_imported)


def test_a_cp1252_csv_imports():
    text = (
        "Objective,Action,Due,Lead,Progress,Status\n"
        "Better data,Fix the CIN census – phase 2,31/03/2011,Zoë Brontë,Café meeting held,Green\n"
    )
    run(text.encode("cp1252"), filename="plan.csv")
    milestone = Milestone.objects.select_related("lead").get()
    assert milestone.lead.name == "Zoë Brontë" and "–" in milestone.description
    run(("\ufeff" + text).encode("utf-8"), filename="plan.csv", plan="Again")
    assert Action.objects.filter(plan__name="Again").count() == 1


def test_refusals_name_row_and_column_and_write_nothing():
    content = (
        "Objective,Action,By when,Lead,Progress,RAG\n"
        "Better data,Fix the census,31 Spe 2011,Ann Lee,,G\n"
        ",Clean the records,31/03/2011,Ann Lee,,Purple\n"
        ",Chase partners,31/03/2011,Ann Lee,,R\n"
    ).encode()
    with pytest.raises(ImportRefused) as refused:
        run(content, filename="plan.csv")
    problems = [(p.row, p.column) for p in refused.value.problems]
    assert problems == [(2, "By when"), (3, "RAG"), (4, "Progress")]
    assert not Plan.objects.exists() and not Person.objects.filter(name="Ann Lee").exists()


def test_a_long_objective_is_kept_whole():
    objective = "Ensure that " + "every child at risk is seen, heard and helped quickly " * 6
    content = f'Objective,Action,Due,Lead\n"{objective}",Do it,31/03/2011,Ann Lee\n'.encode()
    summary = run(content, filename="plan.csv")
    theme = Theme.objects.get()
    assert len(theme.name) <= 200
    assert theme.description == objective.strip()
    assert any("full text is kept as its description" in f.message for f in summary.parsed.flags)


def test_the_command_takes_a_mapping_an_as_at_month_and_a_sheet(tmp_path, capsys):
    path = tmp_path / "plan.xlsx"
    path.write_bytes(council_plan())
    call_command(
        "import_plan", str(path), "--plan", "Cmd", "--organisation", "Brookfield Borough Council",
        "--as-at", "2011-10", "--sheet", "Improvement plan", "--map", "Ofsted para no=none", "--dry-run",
    )  # fmt: skip
    out = capsys.readouterr().out
    assert "'Ofsted para no' -> not imported" in out and "Oct 2011 (chosen)" in out
    assert "milestones created: 6" in out and not Plan.objects.filter(name="Cmd").exists()
    assert ProgressUpdate.objects.count() == 0


@pytest.mark.parametrize(
    "cell, lead, others",
    [
        (
            "Debbie Haith – Deputy Director – Children's Services & Sarah Parker – Head of Children's Commissioning",
            ("Debbie Haith", "Deputy Director – Children's Services"),
            [("Sarah Parker", "Head of Children's Commissioning")],
        ),
        ("Jo Bloggs – Head of Health & Social Care", ("Jo Bloggs", "Head of Health & Social Care"), []),
        ("Ann Rowe & Tom Jones", ("Ann Rowe", ""), [("Tom Jones", "")]),
        ("Ann Rowe; tom.jones@council.example", ("Ann Rowe", ""), [("Tom Jones", "")]),
    ],
)
def test_a_lead_cell_naming_several_people(cell, lead, others):
    from milestones.import_values import parse_lead

    parsed = parse_lead(cell)
    assert (parsed.name, parsed.job_title) == lead
    assert [(o.name, o.job_title) for o in parsed.others] == others


def test_a_lead_cell_naming_dozens_keeps_five_supporting_leads_and_says_so():
    names = ";".join(f"Jo Ab{n:02d}" for n in range(20))  # within the 200 characters of a name
    content = f"Ref,Action,Milestone,Lead,Due,Progress\n1.1,Audit,Audit cases,{names},March 2011,On track\n".encode()
    summary = run(content, filename="plan.csv", plan="Many", as_at=datetime.date(2010, 10, 1))
    milestone = Milestone.objects.get(action__plan__name="Many")
    assert milestone.supporting_leads.count() == 5
    assert len(summary.people_created) == 6
    assert any("at most 5 are kept" in flag.message for flag in summary.parsed.flags)


def test_an_import_adding_thousands_of_unknown_leads_is_refused(monkeypatch):
    from milestones import importing

    monkeypatch.setattr(importing, "MAX_NEW_PEOPLE", 3)
    rows = "".join(f"1.{n},Action {n},Milestone {n},Person Number{n},March 2011,On track\n" for n in range(1, 6))
    with pytest.raises(ImportRefused) as refused:
        run(f"Ref,Action,Milestone,Lead,Due,Progress\n{rows}".encode(), filename="plan.csv", plan="Mapped wrong")
    assert "more than 3 people who are not on the list" in str(refused.value.problems[0].message)
    assert not Plan.objects.filter(name="Mapped wrong").exists()
