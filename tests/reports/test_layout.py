"""How the PDFs use the page: indicator charts two to a page, a long action repeated "(continued)"."""

import datetime
import io
import math
import re

import pytest
from pypdf import PdfReader

from reports import rendering
from tests.factories import ActionFactory, IndicatorFactory, IndicatorValueFactory, MilestoneFactory, PlanFactory

pytestmark = pytest.mark.django_db

OCT = datetime.date(2009, 10, 1)


def squash(text):
    return re.sub(r"\s+", " ", text).strip()


def pdf_pages(parts, title):
    reader = PdfReader(io.BytesIO(rendering.render_pdf(parts, title)))
    return [squash(page.extract_text()) for page in reader.pages]


def test_indicator_charts_print_two_to_a_page(plan_today):
    plan = PlanFactory()
    codes = [f"PI {n:02d}" for n in range(1, 11)]
    for code in codes:
        # Titles long enough to take two lines, as the national indicators' do.
        title = "Percentage of initial assessments for children's social care carried out within 7 working days"
        indicator = IndicatorFactory(plan=plan, code=code, title=f"{title} of referral, {code}")
        for month in (6, 7, 8, 9):
            IndicatorValueFactory(indicator=indicator, period=datetime.date(2009, month, 1), value=40 + month)
    part = rendering.report_part("indicators", plan, OCT)
    pages = pdf_pages([part], part.label)
    first = next(n for n, page in enumerate(pages) if "Indicator charts" in page)
    chart_pages = [
        n for n, page in enumerate(pages) if n >= first and any(f"{code} Percentage" in page for code in codes)
    ]
    # Every chart printed, in at most ceil(10 / 2) pages (one spare for the heading).
    assert all(any(f"{code} Percentage" in pages[n] for n in chart_pages) for code in codes)
    assert len(chart_pages) <= math.ceil(len(codes) / 2) + 1, chart_pages


def test_demo_pack_indicator_charts_share_pages(demo):
    from reports.models import CommitteePack

    pack = CommitteePack.objects.get(plan=demo, meeting="Overview & Scrutiny")
    parts = rendering.pack_parts(pack)
    pages = pdf_pages(parts, pack.report_title)
    (indicators,) = [part.report for part in parts if part.kind == "indicators"]
    codes = [summary.indicator.code for group in indicators.sections for summary, _ in group.rows]
    first = next(n for n, page in enumerate(pages) if "Indicator charts" in page)
    # The charts come last in the pack: every code there, on at most half as many pages (+1).
    chart_pages = pages[first:]
    assert all(any(code in page for page in chart_pages) for code in codes)
    assert len(codes) >= 10
    assert len(chart_pages) <= math.ceil(len(codes) / 2) + 1, (len(chart_pages), len(codes))


def test_long_action_repeats_its_cell_marked_continued(plan_today):
    plan = PlanFactory()
    action = ActionFactory(plan=plan, ref="4.07", title="Review every child protection plan")
    for n in range(40):
        MilestoneFactory(action=action, description=f"Step {n:02d} of the review", order=n)
    part = rendering.report_part("milestones", plan, OCT)
    pages = pdf_pages([part], part.label)
    rows = [n for n, page in enumerate(pages) if "of the review" in page]
    assert len(rows) > 1
    # Every page after the first that goes on with the action starts its rows with the action, continued.
    for n in rows[1:]:
        assert "4.07 (continued)" in pages[n], n
        body = pages[n].split("Milestone Lead", 1)[1]
        assert body.index("4.07 (continued)") < body.index("of the review"), n
    text = " ".join(pages)
    assert all(f"Step {n:02d} of the review" in text for n in range(40))


def test_short_action_taller_than_a_page_repeats_its_cell_marked_continued(plan_today):
    """Six milestones, but text enough for more than a page: kept whole, weasyprint would break inside
    the action with no action cell on the next page."""
    plan = PlanFactory()
    before = ActionFactory(plan=plan, ref="1.01", title="A short action before")
    MilestoneFactory(action=before, description="Agree the terms of reference", order=0)
    action = ActionFactory(plan=plan, ref="4.08", title="Audit every case file")
    words = "Case files audited against the new threshold document with the partners present. "
    for n in range(6):
        MilestoneFactory(action=action, description=f"Audit {n}: " + words * 6, order=n)
    after = ActionFactory(plan=plan, ref="4.09", title="A short action after")
    MilestoneFactory(action=after, description="Report to the board", order=0)
    part = rendering.report_part("milestones", plan, OCT)
    pages = pdf_pages([part], part.label)
    rows = [n for n, page in enumerate(pages) if "Audit " in page and "threshold" in page]
    assert len(rows) > 1  # the action does run over a page
    for n in rows[1:]:
        body = pages[n].split("Milestone Lead", 1)[1]
        assert "4.08 (continued)" in body, n
        assert body.index("4.08 (continued)") < body.index("threshold"), n
    text = " ".join(pages)
    assert all(f"Audit {n}:" in text for n in range(6))
    # Short actions are still one cell, never marked.
    assert "1.01 (continued)" not in text and "4.09 (continued)" not in text
    assert "4.08 Audit every case file" in text


HEADINGS = "Action Action Lead Milestones Planned Start Date Due Date Status Progress Note Milestone Lead Theme"


def test_every_page_of_the_milestone_table_starts_with_its_action_cell(demo):
    """The table starts low on the appendix's first page, where weasyprint breaks the first action
    rather than leave the headings alone: the page after goes on with it, its cell marked (continued)."""
    from reports import parallel
    from reports.models import CommitteePack

    pack = CommitteePack.objects.get(plan=demo, meeting="Overview & Scrutiny")
    pack.as_at = datetime.date(2009, 11, 1)  # live: the first action's notes no longer fit under the heading
    content, _ = parallel.render_pack_pdf(pack, workers=1)
    pages = [squash(page.extract_text()) for page in PdfReader(io.BytesIO(content)).pages]
    bodies = [page.split(HEADINGS, 1)[1] for page in pages if HEADINGS in page and "Exception" not in page]
    assert len(bodies) > 10
    for number, body in enumerate(bodies):
        assert re.match(r"\s*\d+\.\d+ ", body), (number, body[:80])
    # A page that goes on with the action the page before ended with says so.
    for before, body in zip(bodies, bodies[1:], strict=False):
        ref = re.match(r"\s*(\d+\.\d+) ", body).group(1)
        last_ref_before = re.findall(r"(?:^|\s)(\d+\.\d{2}) ", before)[-1]
        if ref == last_ref_before:
            assert re.match(rf"\s*{re.escape(ref)} \(continued\)", body), body[:80]


def test_a_section_heading_is_never_alone_above_an_indicator_longer_than_a_page(plan_today):
    plan = PlanFactory()
    long_note = " ".join(["Assessments completed in timescale rose after the duty rota changed."] * 60)
    for code, commentary in (("NI 59", long_note), ("NI 60", "Steady.")):
        indicator = IndicatorFactory(plan=plan, code=code, title=f"Assessments {code}")
        IndicatorValueFactory(indicator=indicator, period=datetime.date(2009, 9, 1), value=40)
        indicator.commentaries.create(period=datetime.date(2009, 10, 1), commentary=commentary)
    part = rendering.report_part("indicators", plan, OCT)
    pages = pdf_pages([part], part.label)
    heading = next(n for n, page in enumerate(pages) if "1. " in page and "Code Description" in page)
    # The heading shares its page with the start of the long row (which goes on over the page), and
    # short rows are still kept whole.
    assert "NI 59 Assessments NI 59" in pages[heading]
    table = [page for page in pages if "Indicator charts" not in page]
    assert sum("NI 60 Assessments NI 60" in page for page in table) == 1
