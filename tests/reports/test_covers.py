"""Cover reports: the organisation's template, Markdown rendered safely, seed 001's cover whole."""

import io
import re

import pytest
from pypdf import PdfReader

from plans.models import Organisation
from reports import covers, rendering
from reports.models import CommitteePack, CoverTemplate, PackSection
from reports.services import pack_section_create, pack_update

pytestmark = pytest.mark.django_db


def squash(text):
    return re.sub(r"\s+", " ", text).strip()


def test_markdown_keeps_bold_italic_lists_tables_and_strips_anything_else():
    html = covers.markdown_html(
        "**bold** and *italic*\n\n- one\n- two\n\n| A | B |\n| - | - |\n| 1 | 2 |\n\n"
        "<script>alert(1)</script> <img src=x onerror=alert(1)> [link](javascript:alert(1)) [ok](https://example.org)"
    )
    assert "<strong>bold</strong>" in html and "<em>italic</em>" in html
    assert "<li>one</li>" in html and '<th scope="col">A</th>' in html and "<td>1</td>" in html
    assert "<script" not in html and "<img" not in html and 'href="javascript' not in html  # shown as text
    assert 'href="https://example.org"' in html


def test_a_list_stays_with_the_paragraph_it_follows():
    paragraphs = covers.numbered_paragraphs("First.\n\nIt shows that:\n\n- a\n- b\n\nLast.")
    assert paragraphs == ["First.", "It shows that:\n\n- a\n- b", "Last."]


def test_demo_pack_reproduces_seed_001_cover_report(demo):
    pack = CommitteePack.objects.get(plan=demo, meeting="Overview & Scrutiny")
    part = rendering.pack_parts(pack)[0]
    html = rendering.render_html([part], pack.report_title)
    assert "Agenda item: <strong>7</strong>" in html
    assert "Signed:" in html
    assert "<strong>Safeguard children and adults from abuse" in html
    assert "<em>Community Strategy Update, March 2009</em>" in html
    assert "<li>We are clear about our strengths and areas for improvement;</li>" in html
    numbered = {
        number: squash(re.sub(r"<[^>]+>", " ", text))
        for number, text in re.findall(
            r'<span class="para-number">([\d.]+)</span><div class="para-text">(.*?)</div>', html, re.S
        )
    }
    assert numbered["13.3."].startswith("Appendix 2a: Safeguarding Plan for Haringey Milestone Exception Report")
    assert numbered["14.1."] == "JAR Report (December 2008)"
    assert numbered["14.3."] == "Inspection of Progress in the Provision of Safeguarding Report (July 2009)"
    assert numbered["1.1.4"].startswith("Senior officers across the partnership")
    assert numbered["2.1.3"].startswith("Evidence gathering")
    text = squash(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(rendering.render_pdf([part], "t"))).pages))
    for expected in [
        "1. Purpose of the report (That is, the decision required)",
        "2. Introduction by Cabinet Member (if necessary)",
        "12. Service Financial Comments",
        "13. Use of appendices /Tables and photographs",
        "14. Local Government (Access to Information) Act 1985",
        "JAR Report (December 2008)",
        "1. Background",
        "2. Next Steps",
        "Evidence gathering and the development of a robust self assessment",
    ]:
        assert expected in text, expected


def test_an_organisation_with_the_cabinet_template(demo):
    organisation = demo.owner
    CoverTemplate.objects.create(organisation=organisation, layout="cabinet")
    pack = CommitteePack.objects.get(plan=demo)
    pack_update(actor=None, pack=pack, background_papers="Ofsted report, July 2009")
    for slot, body in [("classification", "Public"), ("key_decision", "No"), ("risk_management", "See *risk log*")]:
        pack_section_create(actor=None, pack=pack, heading=slot, slot=slot, body=body)
    sections = pack.cover_sections()
    headings = [s.heading for s in sections]
    assert headings[:3] == ["Classification", "Key decision", "Purpose of the report"]
    assert headings.index("Risk management") < headings.index("Appendices") < headings.index("Background papers")
    assert [s.number for s in sections] == [str(n) for n in range(1, len(sections) + 1)]
    risk = next(s for s in sections if s.heading == "Risk management")
    assert risk.paragraphs[0][1] == "<p>See <em>risk log</em></p>\n"
    # Free sections without a slot keep their placement.
    assert "Chief Financial Officer Comments" in headings


def test_cover_template_checks_its_own_sections(demo):
    from django.core.exceptions import ValidationError

    template = CoverTemplate(organisation=Organisation.objects.create(name="Elsewhere"), sections=[{"key": "a"}])
    with pytest.raises(ValidationError):
        template.full_clean()
    template.sections = [{"key": "purpose", "heading": "Why"}, {"key": "notes", "heading": "Notes", "series": "body"}]
    template.full_clean()
    assert [s.heading for s in template.slots()] == ["Why", "Notes"]


def test_section_text_is_sanitised_when_laid_out(demo):
    pack = CommitteePack.objects.get(plan=demo)
    pack_section_create(
        actor=None,
        pack=pack,
        heading="X",
        slot="consultation",
        body='<a href="javascript:x">hi</a><script>bad()</script>',
    )
    html = rendering.render_html(rendering.pack_parts(pack)[:1], "t")
    i = html.find("bad()")
    assert "<script>bad()" not in html, html[i - 300 : i + 50]
    assert 'javascript:x">' not in html
    assert PackSection.objects.filter(pack=pack, slot="consultation").count() == 2
