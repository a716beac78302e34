"""Formatters: lay the report data out as HTML or PDF. No queries of their own beyond
what the data layer returns (templates only lay out)."""

from dataclasses import dataclass

from django.template.loader import render_to_string

from safeguarding import dates

from . import data


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

    @property
    def label(self):
        return f"Appendix {self.appendix.number}: {self.appendix.title}" if self.appendix else self.report.header.title


TEMPLATES = {
    "milestones": "reports/partials/milestones.html",
    "exceptions": "reports/partials/exceptions.html",
    "indicators": "reports/partials/indicators.html",
    "glossary": "reports/partials/glossary.html",
    "movement": "reports/partials/movement.html",
}

APPENDIX_TITLES = {
    "glossary": "Glossary of Terms and Acronyms",
    "milestones": "{plan} Milestone Report, {month}",
    "exceptions": "{plan} Milestone Exception Report, {month}",
    "indicators": "{plan} Performance Indicator Report, {month}",
    "movement": "{plan} Movement since the Previous Report, {month}",
}


def report_part(kind, plan, as_at=None, filters=None, appendix=None, snapshot=None) -> Part:
    builder = data.REPORTS[kind]
    options = {"filters": filters} if kind == "milestones" else {}
    return Part(TEMPLATES[kind], builder(plan, as_at=as_at, snapshot=snapshot, **options), appendix)


def appendix_title(kind, plan, as_at):
    return APPENDIX_TITLES[kind].format(plan=plan.name, month=dates.month_long_label(as_at or dates.current_month()))


def pack_parts(pack, snapshot=None) -> list[Part]:
    """The cover report followed by the pack's appendices, numbered and titled.

    The appendices read the snapshot given, or the one in force for the pack's month.
    """
    from .snapshots import current_snapshot

    snapshot = snapshot or current_snapshot(pack.plan, pack.as_at)
    parts = [Part("reports/partials/cover.html", data.pack_cover(pack))]
    for number, kind in pack.numbered_appendices():
        appendix = Appendix(number, appendix_title(kind, pack.plan, pack.as_at))
        parts.append(report_part(kind, pack.plan, pack.as_at, appendix=appendix, snapshot=snapshot))
    return parts


def render_html(parts, title) -> str:
    return render_to_string("reports/document.html", {"parts": parts, "document_title": title})


def layout_pdf(parts, title):
    """Lay out with weasyprint; returns the weasyprint Document (pages known)."""
    import weasyprint  # imported late: heavy, and only the PDF path needs it

    return weasyprint.HTML(string=render_html(parts, title)).render()


def render_pdf(parts, title) -> bytes:
    return layout_pdf(parts, title).write_pdf()
