"""The cover report as a Word document (.docx), from the same data as the PDF's cover
(data.pack_cover: the organisation's layout, numbered sections, the Markdown already rendered and
sanitised), for officers who finish the report in Word. python-docx; its section text is read from
that sanitised HTML: paragraphs, bold, italic, lists, tables and links, nothing else can be in it."""

import io
from html.parser import HTMLParser

from django.utils.dateformat import format as date_format

INLINE = {"strong": "bold", "b": "bold", "em": "italic", "i": "italic", "s": "strike", "code": "code"}


class _Section(HTMLParser):
    """Writes one paragraph's sanitised HTML into the document, its number before the first line."""

    def __init__(self, document, number):
        super().__init__(convert_charrefs=True)
        self.document, self.number = document, number
        self.paragraph, self.styles, self.lists, self.link = None, set(), [], None
        self.rows = None  # a table's rows while it is read: [[[(text, bold)] per cell] per row]

    def _new(self, style=None):
        target = self.document.add_paragraph(style=style)
        if self.number:
            target.add_run(f"{self.number}\t")
            self.number = ""
        self.paragraph = target
        return target

    def handle_starttag(self, tag, attrs):
        if tag in INLINE:
            self.styles.add(INLINE[tag])
        elif tag in ("p", "blockquote"):
            self.paragraph = None
        elif tag in ("ul", "ol"):
            self.lists.append(tag)
        elif tag == "li":
            self._new("List Number" if self.lists and self.lists[-1] == "ol" else "List Bullet")
        elif tag == "br" and self.paragraph is not None:
            self.paragraph.add_run().add_break()
        elif tag == "a":
            self.link = dict(attrs).get("href")
        elif tag == "table":
            self.paragraph, self.rows = None, []
        elif tag == "tr" and self.rows is not None:
            self.rows.append([])
        elif tag in ("td", "th") and self.rows:
            self.rows[-1].append([])
            if tag == "th":
                self.styles.add("bold")

    def handle_endtag(self, tag):
        if tag in INLINE:
            self.styles.discard(INLINE[tag])
        elif tag in ("p", "li", "blockquote"):
            self.paragraph = None
        elif tag in ("ul", "ol") and self.lists:
            self.lists.pop()
        elif tag == "a":
            if self.link and self.paragraph is not None:
                self.paragraph.add_run(f" ({self.link})")
            self.link = None
        elif tag == "th":
            self.styles.discard("bold")
        elif tag == "table" and self.rows is not None:
            self._table(self.rows)
            self.rows, self.paragraph = None, None

    def _table(self, rows):
        rows = [row for row in rows if row]
        if not rows:
            return
        table = self.document.add_table(rows=len(rows), cols=max(len(row) for row in rows))
        table.style = "Table Grid"
        for row, cells in zip(table.rows, rows, strict=True):
            for cell, runs in zip(row.cells, cells, strict=False):
                for text, bold in runs:
                    cell.paragraphs[0].add_run(text).bold = bold

    def handle_data(self, data):
        if self.rows is not None:
            if self.rows and self.rows[-1] and data.strip():
                self.rows[-1][-1].append((data, "bold" in self.styles))
            return
        if not data.strip() and self.paragraph is None:
            return
        paragraph = self.paragraph or self._new()
        run = paragraph.add_run(data)
        run.bold = "bold" in self.styles or None
        run.italic = "italic" in self.styles or None
        run.font.strike = "strike" in self.styles or None
        if "code" in self.styles:
            run.font.name = "Courier New"


def cover_docx(cover) -> bytes:
    """cover: data.pack_cover(pack). -> the .docx file's bytes."""
    from docx import Document
    from docx.enum.text import WD_BREAK

    pack = cover.pack
    document = Document()
    properties = document.core_properties
    properties.title, properties.author, properties.language = pack.report_title, cover.header.council, "en-GB"
    properties.comments = "Cover report written by Plan Tracker"
    document.add_paragraph(cover.header.council)
    agenda = document.add_paragraph("Agenda item:")
    if pack.agenda_item:
        agenda.add_run(f" {pack.agenda_item}").bold = True
    document.add_heading(pack.meeting, level=1)
    document.add_paragraph(f"On {date_format(pack.meeting_date, 'jS F Y')}")
    rows = [("Report Title:", pack.report_title, True), ("Report of:", pack.report_of, True)]
    rows += [("Signed:", pack.signed_by or "_" * 40, False), ("Contact Officer:", pack.contact_officer, False)]
    rows += [("Wards(s) affected:", pack.wards_affected, True), ("Report for:", pack.report_for, True)]
    table = document.add_table(rows=0, cols=2)
    for label, value, bold in rows:
        if not value:
            continue
        cells = table.add_row().cells
        cells[0].paragraphs[0].add_run(label).bold = True
        cells[1].paragraphs[0].add_run(value).bold = bold
    for series, sections in (("main", cover.sections), ("body", cover.body)):
        if series == "body" and sections:
            document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        for section in sections:
            document.add_heading(f"{section.number}. {section.heading}", level=2)
            for number, html in section.paragraphs:
                parser = _Section(document, f"{number}." if series == "main" else number)
                parser.feed(html)
                parser.close()
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()
