"""Councils merge a RAG, progress or lead cell down over an action's milestones: the file keeps the
text in the top cell only, but it is each of those milestones' (it was read as the first one's alone,
and the others were imported with no status or note)."""

import datetime

import pytest
from openpyxl import Workbook

from milestones.models import Milestone
from milestones.status import Status
from plans import importing as plan_importing
from plans.importing import ImportRefused
from plans.models import Action
from reports.transfer import plan_parse, plan_workbook_import
from tests.factories import default_organisation

from .import_workbooks import save

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def today(settings):
    settings.PLAN_TODAY = datetime.date(2010, 1, 18)


def merged_sheet():
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Plan"
    sheet.append(["Safeguarding improvement plan: progress at December 2009"])
    sheet.merge_cells("A1:G1")  # a title across the columns
    sheet.append(["Ref", "Action", "Milestone", "Lead", "Due", "RAG", "Progress"])
    sheet.append(["1.1", "Stable workforce", "Recruit 12 social workers", "Tom Ashworth", "March 2010", "Green",
                  "Seven appointed; five start in January"])  # fmt: skip
    sheet.append([None, None, "Cut agency staff to 10%", None, "June 2010", None, None])
    sheet.append([None, None, "Run a retention survey", "Ann Lee", "April 2010", "Amber", "Survey drafted"])
    sheet.append(["1.2", "Supervision", "Audit supervision files", "Bob Ray", "May 2010", "Red",
                  "Audit delayed: no auditor"])  # fmt: skip
    for cells in ("A3:A5", "B3:B5", "D3:D4", "F3:F4", "G3:G4"):
        sheet.merge_cells(cells)
    return save(workbook)


def test_a_status_and_note_merged_over_two_milestones_are_each_milestones():
    plan_workbook_import(plan_name="Merged", filename="plan.xlsx", content=merged_sheet(),
                         owner=default_organisation())  # fmt: skip
    milestones = {m.description: m for m in Milestone.objects.with_current_status()}
    agency = milestones["Cut agency staff to 10%"]
    assert agency.current_status == Status.ON_TRACK
    assert agency.current_note == "Seven appointed; five start in January"
    assert agency.lead.name == "Tom Ashworth"
    assert milestones["Run a retention survey"].current_status == Status.AT_RISK
    # The merged ref and action cells still make one action of three milestones, led as before.
    first = Action.objects.get(ref="1.1")
    assert first.milestones.count() == 3 and first.action_lead.name == "Tom Ashworth"
    assert Action.objects.count() == 2


def test_the_preview_says_which_merged_cells_were_read_as_each_rows():
    parsed = plan_parse(plan_name="Merged", filename="plan.xlsx", content=merged_sheet(), owner=default_organisation())
    assert not parsed.problems
    flags = [f.message for f in parsed.flags if f.column == "Merged cells"]
    assert flags and "“RAG”" in flags[0] and "“Progress”" in flags[0]


def test_a_sheet_merging_more_ranges_than_a_plan_needs_is_refused_in_words(monkeypatch):
    monkeypatch.setattr(plan_importing, "MAX_MERGED_RANGES", 3)
    with pytest.raises(ImportRefused) as refused:
        plan_parse(plan_name="Merged", filename="plan.xlsx", content=merged_sheet(), owner=default_organisation())
    assert "has more than 3 merged ranges" in refused.value.problems[0].message
