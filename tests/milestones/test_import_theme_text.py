"""An objective longer than a theme's name is kept whole on its theme: shown on the plan page,
written in the export, and read back from it."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import escape
from openpyxl import Workbook, load_workbook

from milestones.importing import THEME_MAX
from plans import services as plan_services
from plans.models import Theme
from reports.models import ImportSettings
from reports.transfer import plan_export, plan_workbook_import
from tests.factories import default_organisation

from .import_workbooks import save

pytestmark = pytest.mark.django_db

OBJECTIVE = (
    "Priority 1: Ensure that children and young people in need of help and protection are identified "
    "early, that referrals to children's social care are screened within 24 hours by a multi-agency "
    "team, and that thresholds are understood and applied consistently by every partner agency."
)


@pytest.fixture(autouse=True)
def today(settings):
    settings.PLAN_TODAY = datetime.date(2012, 1, 16)


def council_sheet():
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Improvement plan"
    sheet.append(["Children's Services Improvement Plan 2011-12"])
    sheet.append(["Priority objective", "Action", "Milestone", "Due", "Lead", "Progress", "RAG"])
    sheet.append([OBJECTIVE, "Multi-agency screening", "Recruit the team", "31/03/2012", "Ann Rowe",
                  "Posts advertised.", "G"])  # fmt: skip
    sheet.append([None, None, "Agree thresholds", "31/12/2011", "Ann Rowe", "Draft with partners.", "A"])
    sheet.merge_cells("A3:A4")
    sheet.append(["2. Voice of the child", "Children in care council", "Recruit members", "31/03/2012",
                  "Jo Park", "", "G"])  # fmt: skip
    return save(workbook)


def run(content, plan="Westmoor", filename="plan.xlsx"):
    return plan_workbook_import(plan_name=plan, filename=filename, content=content, owner=default_organisation())


def test_a_long_objective_is_kept_on_its_theme_and_shown_under_its_heading(client, users):
    assert len(OBJECTIVE) > THEME_MAX
    summary = run(council_sheet())
    theme = Theme.objects.get(name__startswith="Priority 1")
    assert len(theme.name) <= THEME_MAX and theme.name.endswith("…")
    assert theme.description == OBJECTIVE
    assert Theme.objects.get(name="2. Voice of the child").description == ""  # a short one needs none
    assert not hasattr(ImportSettings.objects.get(), "theme_texts")  # not kept aside with the import settings
    assert any(f.row == 3 and "kept as its description" in f.message for f in summary.parsed.flags)
    plan = theme.plan
    client.force_login(users["programme_manager"])
    page = client.get(reverse("milestones:plan", args=[plan.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    heading = html.index(escape(theme.name))
    assert html.index('class="theme-description"', heading) < html.index("<table", heading)
    assert "by every partner agency." in html


def test_the_full_text_is_in_the_export_and_a_round_trip_keeps_it():
    run(council_sheet())
    plan = Theme.objects.get(name__startswith="Priority 1").plan
    exported = plan_export(plan)
    sheet = load_workbook(io.BytesIO(exported))["Milestones"]
    header = [c.value for c in sheet[1]]
    column = header.index("Theme Description")
    assert OBJECTIVE in [row[column] for row in sheet.iter_rows(min_row=2, values_only=True)]
    summary = run(exported, plan="Copy", filename="export.xlsx")
    copy = Theme.objects.get(plan__name="Copy", name__startswith="Priority 1")
    assert copy.description == OBJECTIVE
    assert not any("Theme Description" in line for line in summary.parsed.not_imported)


def test_a_reimport_fills_a_missing_description_and_never_replaces_one_written_on_the_plan():
    run(council_sheet())
    theme = Theme.objects.get(name__startswith="Priority 1")
    plan_services.theme_update(actor=None, theme=theme, description="")
    summary = run(council_sheet())
    theme.refresh_from_db()
    assert theme.description == OBJECTIVE
    assert any("now keeps its objective's full text" in note for note in summary.notes)
    plan_services.theme_update(actor=None, theme=theme, description="Our own summary of priority 1.")
    run(council_sheet())
    theme.refresh_from_db()
    assert theme.description == "Our own summary of priority 1."


def test_a_description_longer_than_the_text_limit_is_refused_by_the_service():
    plan = plan_services.plan_create(actor=None, owner=default_organisation(), name="P")
    theme = plan_services.theme_create(actor=None, plan=plan, name="T")
    with pytest.raises(ValidationError) as refused:
        plan_services.theme_update(actor=None, theme=theme, description="x" * 10_001)
    assert "description" in refused.value.message_dict
