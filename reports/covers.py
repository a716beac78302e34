"""Cover reports: each organisation's layout (its sections, their order, headings and numbering),
and section text written in Markdown, rendered safely.

A layout is a list of slots. A slot is filled from a field of the pack (`purpose`,
`recommendations`, `reasons`, `summary`, `background_papers`), from the numbered appendices
(`appendices`), or from the pack's free section with that slot (PackSection.slot). Slots of the
"main" series are numbered 1, 2, 3… with paragraphs 1.1, 1.2; the "body" series (the report
that follows the cover sheet, "Background", "Next Steps") starts again at 1, paragraphs 1.1.1, as
the council numbers them. Empty slots are left out and the numbering closes up.

Two layouts are built in; an organisation picks one (CoverTemplate) and may give its own.
"""

from dataclasses import dataclass

import nh3
from markdown_it import MarkdownIt

PACK_FIELDS = ("purpose", "recommendations", "reasons", "summary", "background_papers")


@dataclass(frozen=True)
class Slot:
    key: str
    heading: str
    series: str = "main"  # or "body"

    @classmethod
    def from_dict(cls, data):
        return cls(str(data["key"]), str(data["heading"]), str(data.get("series", "main")))

    def as_dict(self):
        return {"key": self.key, "heading": self.heading, "series": self.series}


# Seed 001: Haringey Council's cover report to Overview & Scrutiny, 3 December 2009.
COUNCIL = [
    Slot("purpose", "Purpose of the report (That is, the decision required)"),
    Slot("cabinet_member", "Introduction by Cabinet Member (if necessary)"),
    Slot("links", "State link(s) with Council Plan Priorities and actions and / or other Strategies:"),
    Slot("recommendations", "Recommendations"),
    Slot("reasons", "Reason for recommendation(s)"),
    Slot("summary", "Summary"),
    Slot("cfo", "Chief Financial Officer Comments"),
    Slot("legal", "Head of Legal Services Comments"),
    Slot("procurement", "Head of Procurement Comments"),
    Slot("equalities", "Equalities & Community Cohesion Comments"),
    Slot("consultation", "Consultation"),
    Slot("service_financial", "Service Financial Comments"),
    Slot("appendices", "Use of appendices /Tables and photographs"),
    Slot("background_papers", "Local Government (Access to Information) Act 1985"),
    Slot("background", "Background", "body"),
    Slot("next_steps", "Next Steps", "body"),
]

# A Cabinet-style layout (key decisions, statutory duties, risk).
CABINET = [
    Slot("classification", "Classification"),
    Slot("key_decision", "Key decision"),
    Slot("purpose", "Purpose of the report"),
    Slot("recommendations", "Recommendations"),
    Slot("reasons", "Reasons for the recommendations"),
    Slot("alternative_options", "Alternative options considered"),
    Slot("summary", "Key considerations"),
    Slot("community_impact", "Community impact"),
    Slot("equality_duty", "Equality duty"),
    Slot("financial_legal", "Financial / Legal implications"),
    Slot("risk_management", "Risk management"),
    Slot("consultees", "Consultees"),
    Slot("appendices", "Appendices"),
    Slot("background_papers", "Background papers"),
]

BUILTIN = {"council": COUNCIL, "cabinet": CABINET}
BUILTIN_CHOICES = [("council", "Council cover report (Haringey, seed 001)"), ("cabinet", "Cabinet report")]
DEFAULT = "council"


# --- Markdown, safely ------------------------------------------------------------------------------

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
    ["table", "strikethrough"]
)
ALLOWED_TAGS = {
    "p", "strong", "em", "b", "i", "ul", "ol", "li", "br", "code", "s", "a", "blockquote",
    "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href"}, "ol": {"start"}, "th": {"scope"}}


def markdown_html(text) -> str:
    """Markdown (bold, italic, lists, tables, links) as sanitised HTML: raw HTML in the text is
    escaped by the parser and anything else outside the allow-list is stripped by nh3."""
    html = _markdown.render(text or "")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        set_tag_attribute_values={"th": {"scope": "col"}},
    )


def _starts_block_of_previous(block):
    first = block.lstrip().split(" ", 1)[0]
    return first in ("-", "*", "+", "|") or (first[:-1].isdigit() and first.endswith((".", ")")))


def numbered_paragraphs(text):
    """The numbered paragraphs of a section: blank-line separated, a list or table staying with
    the paragraph it follows ("… to demonstrate that:" then its bullets)."""
    blocks = [b.strip("\n") for b in (text or "").replace("\r\n", "\n").split("\n\n") if b.strip()]
    paragraphs = []
    for block in blocks:
        if paragraphs and _starts_block_of_previous(block):
            paragraphs[-1] += "\n\n" + block
        else:
            paragraphs.append(block)
    return paragraphs


@dataclass
class CoverSection:
    number: str
    heading: str
    paragraphs: list  # [(number, safe html)]


def cover_sections(pack, appendices, slots) -> list[CoverSection]:
    """The pack's cover report, laid out in the slots of its organisation's template
    (CoverTemplate.slots_for). This module imports nothing from reports: the models read it.

    appendices: [(number, title)]. Free sections with no slot of the layout keep their placement
    ("after_purpose" or "after_summary"), as before templates."""
    free = list(pack.sections.all())
    by_slot = {}
    for section in free:
        by_slot.setdefault(section.slot, []).append(section)
    keys = {slot.key for slot in slots}
    unplaced = [s for s in free if not s.slot or s.slot not in keys]
    entries = []  # (series, heading, [paragraph html])
    for slot in slots:
        if slot.key == "appendices":
            texts = [f"Appendix {number}: {title}" for number, title in appendices]
        elif slot.key in PACK_FIELDS:
            texts = numbered_paragraphs(getattr(pack, slot.key, ""))
        else:
            texts = [p for s in by_slot.get(slot.key, []) for p in numbered_paragraphs(s.body)]
        entries.append((slot.series, slot.heading, texts))
        if slot.key in ("purpose", "summary"):
            placement = f"after_{slot.key}"
            for section in unplaced:
                if section.placement == placement:
                    entries.append((slot.series, section.heading, numbered_paragraphs(section.body)))
    counters = {"main": 0, "body": 0}
    result = []
    for series, heading, texts in entries:
        if not texts:
            continue
        counters[series] = counters.get(series, 0) + 1
        n = counters[series]
        prefix = f"{n}.1." if series == "body" else f"{n}."
        paragraphs = [(f"{prefix}{k}", markdown_html(text)) for k, text in enumerate(texts, start=1)]
        result.append(CoverSection(str(n), heading, paragraphs))
        result[-1].series = series
    return result
