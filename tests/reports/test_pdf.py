"""The PDFs, read back with pypdf: every row, the counts, repeated headers, page numbers, appendix numbering."""

import datetime
import io
import re
from html import unescape

import pytest
from pypdf import PdfReader

from milestones.models import Milestone
from reports import parallel, rendering
from reports.models import CommitteePack

pytestmark = pytest.mark.django_db

OCT = datetime.date(2009, 10, 1)


def squash(text):
    """Whitespace as one space; a line broken after a hyphen joined again."""
    return re.sub(r"-\s+", "-", re.sub(r"\s+", " ", text)).strip()


def pdf_pages(parts, title):
    reader = PdfReader(io.BytesIO(rendering.render_pdf(parts, title)))
    return [squash(page.extract_text()) for page in reader.pages]


def test_milestone_report_pdf(demo):
    part = rendering.report_part("milestones", demo, OCT)
    pages = pdf_pages([part], part.label)
    text = " ".join(pages)
    # Every milestone of the demo plan appears.
    missing = [m.description for m in Milestone.objects.for_plan(demo) if squash(m.description) not in text]
    assert missing == []
    # The status counts per theme, as the seed's report gives them.
    assert "Leadership and Governance 11 7 1 1 20" in pages[0]
    assert "Good Practice 19 21 3 7 50" in pages[0]
    assert "All 61 57 12 16 146" in pages[0]
    # Column headers repeat on every page; page numbers count the whole document.
    for number, page in enumerate(pages, start=1):
        assert "Action Action Lead Milestones Planned Start Date Due Date Status Progress Note" in page, number
        assert f"Page {number} of {len(pages)}" in page
    assert len(pages) > 10
    assert "Generated on: 04 November 2009" in pages[0]


def test_pack_pdf_laid_out_on_two_cores_numbers_its_appendices_and_pages(demo):
    pack = CommitteePack.objects.get(plan=demo, meeting="Overview & Scrutiny")
    content, page_count = parallel.render_pack_pdf(pack, workers=2)
    pages = [squash(page.extract_text()) for page in PdfReader(io.BytesIO(content)).pages]
    assert page_count == len(pages)
    text = " ".join(pages)
    assert "13. Use of appendices" in text
    for label in [
        "Appendix 1: Glossary of Terms and Acronyms",
        "Appendix 2: Safeguarding Plan for Haringey Milestone Report, October 2009",
        "Appendix 2a: Safeguarding Plan for Haringey Milestone Exception Report, October 2009",
        "Appendix 3: Safeguarding Plan for Haringey Performance Indicator Report, October 2009",
    ]:
        assert label in text
    starts = [n for n, page in enumerate(pages) if re.search(r"Appendix (1|2|2a|3) [A-Z]", page)]
    assert len(starts) == 4 and starts == sorted(starts)  # each appendix starts on its own page, in order
    assert "Haringey Council and partners" in pages[0] and "Overview & Scrutiny" in pages[0]
    for number, page in enumerate(pages, start=1):  # stamped after joining: numbers run through the pack
        assert f"Page {number} of {len(pages)}" in page
    milestone_pages = [p for p in pages if "Milestone Report, October 2009" in p and "Exception" not in p]
    assert len(milestone_pages) > 5
    for page in milestone_pages[1:]:  # table headers repeat on later pages
        assert "Action Action Lead Milestones Planned Start Date" in page


def test_html_and_pdf_show_the_same_rows(demo):
    part = rendering.report_part("exceptions", demo, OCT)
    html = squash(unescape(rendering.render_html([part], part.label)))
    pdf = " ".join(pdf_pages([part], part.label))
    assert len(part.report.rows) == 13  # 12 not on track, and 1.15 "Resource plan": on track, open exception record
    for row in part.report.rows:
        description = squash(row.milestone.description)
        assert description in html and description in pdf


def test_pack_pdf_inside_a_daemon_process_lays_out_in_process(demo, monkeypatch):
    """A Celery prefork child is a daemon and may not start processes: the pack still builds, numbered right."""
    import multiprocessing

    monkeypatch.setattr(multiprocessing.current_process(), "daemon", True, raising=False)
    pack = CommitteePack.objects.get(plan=demo)
    pack.appendices = ["glossary", "exceptions"]
    content, count = parallel.render_pack_pdf(pack)
    pages = [squash(page.extract_text()) for page in PdfReader(io.BytesIO(content)).pages]
    assert len(pages) == count and f"Page {count} of {count}" in pages[-1]
