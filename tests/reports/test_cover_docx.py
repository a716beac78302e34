"""The cover report as a Word document: the same sections, numbers and text as the PDF's cover."""

import io

import pytest
from django.urls import reverse
from docx import Document

from reports import data
from reports.models import CommitteePack
from reports.services import pack_section_create

pytestmark = pytest.mark.django_db


def test_the_cover_report_downloads_as_word_with_the_pdf_covers_sections(client, users, demo):
    pack = CommitteePack.objects.get(plan=demo, meeting="Overview & Scrutiny")
    pack_section_create(
        actor=None,
        pack=pack,
        slot="consultation",
        heading="Consultation",
        placement="after_summary",
        body="Partners were asked:\n\n| Agency | Replies |\n| --- | --- |\n| Police | 4 |\n\n"
        "- **bold** point\n- *second*",
    )
    client.force_login(users["scrutiny_member"])
    response = client.get(reverse("reports:pack_cover_docx", args=[pack.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="Overview_Scrutiny_2009-12-03_cover_report.docx"'
    document = Document(io.BytesIO(response.content))
    assert document.core_properties.title == pack.report_title
    paragraphs = [p.text for p in document.paragraphs]
    text = "\n".join(paragraphs)
    cover = data.pack_cover(pack)
    assert len(cover.sections) > 5 and cover.body
    for section in cover.sections + cover.body:  # every heading of the PDF's cover, numbered the same
        assert f"{section.number}. {section.heading}" in paragraphs
    assert cover.sections[0].paragraphs[0][0] == "1.1"
    assert any(p.startswith("1.1.\t") for p in paragraphs)  # the paragraph numbers, as on the PDF
    assert "Appendix 2a: Safeguarding Plan for Haringey Milestone Exception Report, October 2009" in text
    assert "Overview & Scrutiny" in paragraphs and "On 3rd December 2009" in paragraphs
    meta = {row.cells[0].text: row.cells[1].text for row in document.tables[0].rows}
    assert meta["Report Title:"] == pack.report_title and meta["Report of:"] == pack.report_of
    # Markdown: the table is a Word table, list items are list paragraphs, bold stays bold.
    assert any(t.rows[1].cells[0].text == "Police" and t.rows[0].cells[1].text == "Replies" for t in document.tables)
    bullet = next(p for p in document.paragraphs if p.text.startswith("bold point"))
    assert bullet.style.name == "List Bullet" and bullet.runs[0].bold


def test_people_who_cannot_see_the_plan_get_no_word_cover(client, demo):
    from tests.factories import UserFactory

    client.force_login(UserFactory(username="outsider", role=None))
    pack = CommitteePack.objects.get(plan=demo, meeting="Overview & Scrutiny")
    assert client.get(reverse("reports:pack_cover_docx", args=[pack.pk])).status_code in (403, 404)
