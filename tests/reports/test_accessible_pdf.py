"""Committee packs as tagged PDFs (PDF/UA-1): structure tree, language, title, bookmarks, provenance
in the document properties; a single tagged pass, whatever runs the build."""

import datetime
import io

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from reports import rendering
from reports.models import CommitteePack
from reports.services import render_job_execute, render_job_start

pytestmark = pytest.mark.django_db

OCT = datetime.date(2009, 10, 1)


def outline_titles(reader):
    titles = []

    def walk(items):
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                titles.append(item.title)

    walk(reader.outline)
    return titles


def assert_accessible(content, title):
    reader = PdfReader(io.BytesIO(content))
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert root["/MarkInfo"]["/Marked"]
    assert root["/Lang"] == "en-GB"
    assert reader.metadata.title == title
    return reader


def test_pack_is_tagged_with_language_title_and_a_bookmark_per_appendix(demo, settings):
    settings.REPORT_LAYOUT_WORKERS = 2  # even with two cores to hand, a pack is one tagged pass
    pack = CommitteePack.objects.get(plan=demo, meeting="Overview & Scrutiny")
    job = render_job_execute(render_job_start(plan=demo, kind="pack", requested_by=None, pack=pack).pk)
    assert job.state == "done", job.error
    reader = assert_accessible(job.pdf.read(), pack.report_title)
    titles = outline_titles(reader)
    assert titles[0] == "Cover report: Safeguarding Plan for Haringey"
    for label in [
        "Appendix 1: Glossary of Terms and Acronyms",
        "Appendix 2: Safeguarding Plan for Haringey Milestone Report, October 2009",
        "Appendix 2a: Safeguarding Plan for Haringey Milestone Exception Report, October 2009",
        "Appendix 3: Safeguarding Plan for Haringey Performance Indicator Report, October 2009",
    ]:
        assert label in titles
    # Provenance is in the document properties, not printed on the pages.
    assert "snapshot taken" in reader.metadata.subject
    assert all("snapshot taken" not in page.extract_text() for page in reader.pages)
    assert reader.metadata.author == "Haringey Council and partners"


def test_render_report_command_writes_a_tagged_pack(demo, tmp_path):
    pack = CommitteePack.objects.get(plan=demo)
    output = tmp_path / "pack.pdf"
    call_command(
        "render_report",
        "pack",
        "--plan",
        demo.name,
        "--format",
        "pdf",
        "--output",
        str(output),
        "--pack-id",
        str(pack.pk),
        stdout=io.StringIO(),
    )
    assert_accessible(output.read_bytes(), pack.report_title)


def test_table_headers_and_chart_text_alternatives_in_the_html(demo):
    part = rendering.report_part("indicators", demo, OCT)
    html = rendering.render_html([part], part.label)
    assert '<thead><tr><th scope="col">Code</th>' in html
    assert '<figcaption class="chart-alt">' in html and "Target" in html.split('<figcaption class="chart-alt">')[1]
    assert '<html lang="en-GB">' in html
