"""Formatters: lay the report data out as HTML or PDF. No queries of their own beyond
what the data layer returns (templates only lay out)."""

from dataclasses import dataclass

from django.template.loader import render_to_string

from . import data, registry
from .snapshots import current_snapshot


@dataclass
class Appendix:
    number: str
    title: str


@dataclass
class Part:
    """One section of a document: a report (maybe as a numbered appendix) or a cover report."""

    template: str
    report: object
    appendix: Appendix | None = None
    kind: str = ""  # the report's kind in reports/registry.py ("" for a cover report)

    @property
    def chunked(self):
        """Long enough to be cut into chunks (reports/parallel.py)."""
        return bool(self.kind) and registry.spec(self.kind).chunked

    @property
    def label(self):
        return f"Appendix {self.appendix.number}: {self.appendix.title}" if self.appendix else self.report.header.title


def report_part(kind, plan, as_at=None, filters=None, appendix=None, snapshot=None) -> Part:
    """A report laid out by its template, from the data its builder returns (both named in reports/registry.py)."""
    spec = registry.spec(kind)
    options = {"filters": filters} if spec.filterable else {}
    builder = getattr(data, spec.builder)
    return Part(spec.template, builder(plan, as_at=as_at, snapshot=snapshot, **options), appendix, kind=kind)


def appendix_title(kind, plan, as_at):
    return registry.spec(kind).title(plan, as_at)


def pack_parts(pack, snapshot=None) -> list[Part]:
    """The cover report followed by the pack's appendices, numbered and titled.

    The appendices read the snapshot given, or the one in force for the pack's month.
    """
    snapshot = snapshot or current_snapshot(pack.plan, pack.as_at)
    parts = [Part("reports/partials/cover.html", data.pack_cover(pack))]
    for number, kind in pack.numbered_appendices():
        appendix = Appendix(number, registry.spec(kind).title(pack.plan, pack.as_at))
        parts.append(report_part(kind, pack.plan, pack.as_at, appendix=appendix, snapshot=snapshot))
    return parts


# Tagged PDF (PDF/UA-1): a structure tree, the document language (en-GB, from <html lang>), the
# title shown in the viewer's title bar (from <title>) and bookmarks per appendix (h1 headings).
PDF_OPTIONS = {"pdf_variant": "pdf/ua-1"}


def provenance(parts) -> str:
    """Where the figures come from ("from the monthly snapshot taken … by …"): written into the PDF's
    document properties (Subject), not printed on every page."""
    texts = []
    for part in parts:
        header = getattr(part.report, "header", None)
        snapshot = getattr(header, "snapshot", None)
        if header is None:
            continue
        text = f"As at {header.as_at_label}; generated on {header.generated_on:%d %B %Y}"
        if snapshot is not None:
            text += (
                f"; from the {snapshot.get_kind_display().lower()} snapshot taken "
                f"{snapshot.taken_at:%d %b %Y %H:%M} by {snapshot.taken_by_label}"
            )
        if not any(other.startswith(text) or text.startswith(other) for other in texts):
            texts.append(text)
        elif snapshot is not None:  # the fuller account replaces the shorter
            texts = [t for t in texts if not text.startswith(t)] + [text]
    return ". ".join(texts)


def render_html(parts, title) -> str:
    council = next((p.report.header.council for p in parts if getattr(p.report, "header", None)), "")
    return render_to_string(
        "reports/document.html",
        {"parts": parts, "document_title": title, "provenance": provenance(parts), "council": council},
    )


def split_broken_actions(parts, broken) -> bool:
    """Start a part of an action where a page broke inside one (broken: [(action ref, milestone index)],
    from pdf_worker.broken_rows), so the next layout repeats its cell marked "(continued)" there.
    -> whether anything changed (then lay the document out again)."""
    changed = False
    for part in parts:
        for block in getattr(part.report, "actions", None) or []:
            new = {index for ref, index in broken if ref == block.action.ref} - block.breaks
            if new:
                block.breaks |= new
                changed = True
    return changed


# Layouts of one document at most: the first, and again while a page breaks inside an action's part.
LAYOUT_ROUNDS = 3


def layout_pdf(parts, title):
    """Lay out with weasyprint; returns the weasyprint Document (pages known)."""
    import weasyprint  # imported late: heavy, and only the PDF path needs it

    from . import pdf_worker

    document = weasyprint.HTML(string=render_html(parts, title)).render()
    for _ in range(LAYOUT_ROUNDS - 1):
        if not split_broken_actions(parts, pdf_worker.broken_rows(document)):
            break
        document = weasyprint.HTML(string=render_html(parts, title)).render()
    return document


def write_pdf(document) -> bytes:
    """The laid-out document as a tagged PDF (PDF/UA-1)."""
    return document.write_pdf(**PDF_OPTIONS)


def render_pdf(parts, title) -> bytes:
    """One weasyprint pass, tagged: a document of one piece; longer ones are laid out in pieces and
    joined into one tagged PDF (reports/parallel.py)."""
    return write_pdf(layout_pdf(parts, title))
