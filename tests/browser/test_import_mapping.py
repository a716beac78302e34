"""A programme manager imports a council's plan: uploads it, changes one column's mapping in the
preview, confirms, and sees the plan. The sheet is invented for the test."""

import pytest
from openpyxl import Workbook

from milestones.models import Milestone
from plans.models import Action, Plan
from reports.models import ImportSettings

from .conftest import screenshot, serious_violations

pytestmark = pytest.mark.django_db(transaction=True)


def council_sheet(path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Action plan"
    sheet.append(["Westmoor Council – Safeguarding Improvement Plan (as at October 2009)"])
    sheet.append([])
    sheet.append(["Objectives", "Key actions", "By when", "Outcome", "By whom", "Progress", "Notes for officers"])
    sheet.append(
        [
            "1. Know our children",
            "Build a single CIN list",
            "Dec 2009",
            "One list in use",
            "Pat Doyle – Head of Service",
            "Oct 2009 - On track. List drafted.",
            "check with IT",
        ]
    )
    sheet.append(
        [
            None,
            "Train duty staff",
            "2009/10",
            "All staff trained",
            "pat.doyle@westmoor.example",
            "Sep 2009 - Achieved. 40 staff trained.",
            "",
        ]
    )
    sheet.append(
        [
            "2. Listen to children",
            "Run a young people's panel",
            "Q4 2009/10",
            "Panel meets monthly",
            "Children in Care Council",
            "Amber - venue not yet found",
            "",
        ]
    )
    workbook.save(path)  # fmt: skip


def test_programme_manager_maps_a_column_and_imports_a_plan(login, demo_site, tmp_path):
    path = tmp_path / "westmoor.xlsx"
    council_sheet(path)
    page = login("manager")
    page.goto(f"{demo_site}/plans/import/")
    page.get_by_label("Plan name").fill("Westmoor Improvement Plan")
    page.get_by_label("Spreadsheet").set_input_files(str(path))
    page.get_by_role("button", name="Check the file").click()
    page.wait_for_load_state()
    assert "Read from the sheet “Action plan”, heading row 3" in page.content()
    by_whom = page.get_by_label("Column E “By whom”")
    assert by_whom.input_value() == "lead"
    notes = page.get_by_label("Column G “Notes for officers”")
    assert notes.input_value() == ""  # not imported unless chosen
    outcome = page.get_by_label("Column D “Outcome”")
    assert outcome.input_value() == "outcome"
    outcome.select_option("")  # the programme manager decides not to import the outcomes
    page.get_by_role("button", name="Read again with these choices").click()
    page.wait_for_load_state()
    assert page.get_by_label("Column D “Outcome”").input_value() == ""
    # "Amber - venue not yet found" is At risk, a status of its own (no "[Amber]" note, no flag).
    assert "Amber: imported as On track" not in page.content()
    assert "Status scheme: No RAG ratings in the file: the new plan reports in Achieved" in page.content()
    assert "Milestones created: 3" in page.content()
    screenshot(page, "import-preview-mapping")
    assert not serious_violations(page), serious_violations(page)
    page.get_by_role("button", name="Import", exact=True).click()
    page.wait_for_load_state()
    plan = Plan.objects.get(name="Westmoor Improvement Plan")
    assert page.url.endswith(plan.get_absolute_url())
    assert "Westmoor Improvement Plan" in page.content()
    assert Milestone.objects.filter(action__plan=plan).count() == 3
    assert set(Action.objects.filter(plan=plan).values_list("expected_outcome", flat=True)) == {""}
    assert ImportSettings.objects.get(plan=plan).mapping["outcome"] == ""
