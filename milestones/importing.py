"""Import a plan from the spreadsheet its council already keeps (.xlsx or .csv).

Three steps, each its own function, so the preview can run the first two and keep their result:

1. `read_document`: find the sheet holding the plan, its heading row and the table's rows
   (titles above and keys below are skipped; other sheets are read for versions, approvals
   and the glossary) -- milestones/import_layout.py.
2. `parse_document`: propose a mapping of the sheet's own headings to the app's fields (or use the
   one chosen in the preview, or saved with the plan), then read every row as the council wrote it
   (milestones/import_values.py). Every problem is listed with its row and column; things imported
   with a judgement (an Amber rating, a note with no status word, a second lead) are flagged.
   The result is plain JSON (`Parsed.to_json`) so a confirmed preview is written without re-reading.
3. `parsed_write`: write it, all or nothing, through the services every other write goes through
   (plans.services, milestones.services: permission on the plan, locked and future months, lengths,
   choices). A dry run writes and rolls back, so its summary is exactly what the import would do.

Re-importing the same file changes nothing: actions match by ref, milestones by action and
description, progress notes by month, status and text.
"""

import datetime
import re
from dataclasses import asdict, dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from plans import services as plan_services
from plans.importing import ImportRefused, Problem, normalise
from plans.models import Action, GlossaryTerm, LockedMonth, Person, Plan, PlanVersion, Theme
from safeguarding import dates
from safeguarding.text import (
    DESCRIPTION_MAX_LENGTH,
    EARLIEST_DATE,
    LONG_TEXT_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    control_character_error,
    date_range_error,
    length_error,
)

from . import import_layout as layout
from . import import_values as values
from .import_values import STATUS_WORDS, parse_date  # noqa: F401 (the names callers used before)
from .models import Milestone, ProgressUpdate
from .schemes import BUILT_IN, SchemeKind, StatusScheme, custom_statuses_clean
from .services import milestone_create_many, milestone_update, progress_update_record, progress_update_record_many
from .status import Status

SAME_AS_ABOVE = {"as above", "ditto", '"', "''", "same", "as before", "as per above", "see above"}
REF_AND_TITLE = re.compile(r"^\s*(\d+(?:\.\d+)+)\.?\s+(.+)$", re.S)
LEADING_NUMBER = re.compile(r"^\s*(?:objective|priority|theme|area|recommendation)?\s*(\d{1,3})[.):]?\s+\S", re.I)
THEME_MAX = Theme._meta.get_field("name").max_length
OBJECTIVES_AS = ("themes", "actions")

# The longest text each field may hold: the model field's own max_length where it has one (so an
# over-long name is refused here, not by PostgreSQL), else the text rules of safeguarding/text.py.
TEXT_LIMITS = {
    "ref": Action._meta.get_field("ref").max_length,
    "action": DESCRIPTION_MAX_LENGTH,
    "action_lead": Person._meta.get_field("name").max_length,
    "milestone": DESCRIPTION_MAX_LENGTH,
    "status": 50,
    "note": NOTE_MAX_LENGTH,
    "lead": Person._meta.get_field("name").max_length,
    "outcome": LONG_TEXT_MAX_LENGTH,
    "source": LONG_TEXT_MAX_LENGTH,
    "lead_email": Person._meta.get_field("email").max_length,
    "agency": Person._meta.get_field("agency").max_length,
}
AGENCIES = {
    **{value.lower(): value for value in Person.Agency.values},
    **{label.lower(): value for value, label in Person.Agency.choices},
}
# Sheets of Plan Tracker's own export that other parts of the import read.
EXPORT_SHEETS = {"progress history", "indicators", "indicator values", "people", "status key"}
STATUS_KEY_SHEET = "Status key"


@dataclass
class ImportSummary:
    plan_created: bool = False
    themes_created: list = field(default_factory=list)
    people_created: list = field(default_factory=list)
    actions_created: list = field(default_factory=list)
    actions_updated: list = field(default_factory=list)
    milestones_created: int = 0
    milestones_updated: int = 0
    updates_added: int = 0
    versions_created: int = 0
    approvals_created: int = 0
    glossary_created: int = 0
    notes: list = field(default_factory=list)  # things kept as they were, in words
    dry_run: bool = False
    status_scheme: str = ""  # the scheme the plan reports in after the import
    scheme_note: str = ""  # how the statuses read from the file are shown, in words

    @property
    def changed(self):
        return bool(
            self.plan_created
            or self.themes_created
            or self.people_created
            or self.actions_created
            or self.actions_updated
            or self.milestones_created
            or self.milestones_updated
            or self.updates_added
            or self.versions_created
            or self.approvals_created
            or self.glossary_created
        )

    def to_json(self):
        return {**asdict(self), "changed": self.changed}


def _iso(value):
    return value.isoformat() if isinstance(value, datetime.date) else value


def _day(value):
    return datetime.date.fromisoformat(value) if value else None


@dataclass
class Update:
    month: datetime.date
    status: str
    note: str


@dataclass
class Row:
    """One milestone (or, with `milestone` empty, an action kept without milestones)."""

    number: int
    ref: str
    title: str
    theme: str
    action_lead: str
    milestone: str
    planned_start: datetime.date | None
    due: datetime.date | None
    lead: str
    lead_email: str = ""
    lead_title: str = ""
    agency: str = ""
    # Other people named in the lead cell ("Debbie Haith & Sarah Parker"): [name, email, job title] each.
    supporting_leads: list = field(default_factory=list)
    outcome: str = ""
    source: str = ""
    action_lead_email: str = ""
    action_lead_title: str = ""
    updates: list = field(default_factory=list)

    def to_json(self):
        data = asdict(self)
        data["planned_start"], data["due"] = _iso(self.planned_start), _iso(self.due)
        data["updates"] = [[_iso(u.month), u.status, u.note] for u in self.updates]
        return data

    @classmethod
    def from_json(cls, data):
        data = dict(data)
        data["planned_start"], data["due"] = _day(data["planned_start"]), _day(data["due"])
        data["updates"] = [Update(_day(m), s, n) for m, s, n in data["updates"]]
        return cls(**data)


@dataclass
class HistoryEntry:
    number: int
    ref: str
    milestone: str
    month: datetime.date
    status: str
    note: str

    def __iter__(self):
        return iter((self.number, self.ref, self.milestone, self.month, self.status, self.note))


@dataclass
class Parsed:
    """What a file says, read and checked: kept as JSON on the import job between preview and confirm."""

    filename: str
    sheet: str = ""
    header_number: int = 0
    columns: list = field(default_factory=list)  # layout.columns_json
    themes: list = field(default_factory=list)  # [name] in order, objectives without actions included
    theme_texts: dict = field(default_factory=dict)  # name -> the objective's full text, when longer
    rows: list = field(default_factory=list)  # [Row]
    history: list = field(default_factory=list)  # [HistoryEntry] from an export's history sheet
    versions: list = field(default_factory=list)  # [[label, date, change]]
    approvals: list = field(default_factory=list)  # [[version label, body, date]]
    glossary: list = field(default_factory=list)  # [[term, definition]]
    problems: list = field(default_factory=list)  # [Problem]: nothing can be written
    flags: list = field(default_factory=list)  # [Problem]: written, with a judgement to check
    not_imported: list = field(default_factory=list)  # sentences
    as_at: datetime.date | None = None
    as_at_source: str = ""
    objectives_as: str = "themes"
    proposed_sheets: list = field(default_factory=list)
    scheme: str = ""  # the status scheme the sheet is written in, when it is RAG ("rag", "brag"); else ""
    custom_statuses: list = field(default_factory=list)  # an export's own labels (its "Status key" sheet)

    @property
    def mapping(self):
        return {c["key"]: c["field"] for c in self.columns}

    def to_json(self):
        return {
            **{k: v for k, v in asdict(self).items() if k not in ("rows", "history", "problems", "flags", "as_at")},
            "rows": [r.to_json() for r in self.rows],
            "history": [[e.number, e.ref, e.milestone, _iso(e.month), e.status, e.note] for e in self.history],
            "problems": [asdict(p) for p in self.problems],
            "flags": [asdict(p) for p in self.flags],
            "as_at": _iso(self.as_at),
            "versions": [[label, _iso(day), change] for label, day, change in self.versions],
            "approvals": [[label, body, _iso(day)] for label, body, day in self.approvals],
        }

    @classmethod
    def from_json(cls, data):
        data = dict(data)
        data["rows"] = [Row.from_json(r) for r in data["rows"]]
        data["history"] = [HistoryEntry(n, r, m, _day(mo), s, t) for n, r, m, mo, s, t in data["history"]]
        data["problems"] = [Problem(**p) for p in data["problems"]]
        data["flags"] = [Problem(**p) for p in data["flags"]]
        data["as_at"] = _day(data["as_at"])
        data["versions"] = [[label, _day(day), change] for label, day, change in data["versions"]]
        data["approvals"] = [[label, body, _day(day)] for label, body, day in data["approvals"]]
        return cls(**data)

    @property
    def milestone_count(self):
        return sum(1 for r in self.rows if r.milestone)


# Reading ------------------------------------------------------------------------------------


def read_table(name, content: bytes):
    """-> (header index, header cells, [row cells], {other sheet title: rows}): the plan's table as
    the exported-workbook import (reports.transfer) reads it."""
    sheets = layout.read_sheets(name, content)
    table = layout.locate(sheets)
    others = {title: rows for title, rows in sheets.items() if title != table.sheet}
    return table.header_number - 1, table.header, [cells for _, cells in table.body], others


def month_problem(month):
    """Why a reporting month read from a file cannot be written (too early, or in the future), or None."""
    if month is None:
        return None
    if month > dates.current_month():
        return (
            f"{dates.month_label(month)} is in the future: progress can be reported for "
            f"{dates.month_label(dates.current_month())} or an earlier month."
        )
    if date_range_error(month):
        earliest = dates.month_label(EARLIEST_DATE)
        return f"{dates.month_label(month)} is too early: a reporting month is {earliest} or later."
    return None


def cell(row, position):
    if position is None or position >= len(row):
        return ""
    value = row[position]
    if isinstance(value, (datetime.date, int, float)) and not isinstance(value, bool):
        return value
    text = str(value or "").replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(re.sub(r"[ \t]+", " ", line).strip() for line in text.split("\n")).strip()


def _text(value):
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime):
        value = value.date()
    return str(value).strip() if value not in (None, "") else ""


def _theme_name(text):
    """A theme's name: the objective's text, cut at a word if longer than the field holds."""
    text = re.sub(r"\s+", " ", text).strip()
    if len(text) <= THEME_MAX:
        return text
    cut = text[: THEME_MAX - 1].rsplit(" ", 1)[0].rstrip(" ,;:-")
    return cut + "…"


def propose_as_at(table, mapping):
    """The month undated notes are reported in: '(as at August 2011)' in a title row, else the
    latest month found in the progress notes. -> (month or None, where it was found)."""
    for text in table.title_rows + [table.sheet]:
        month = values.as_at_in(text)
        if month:
            return month, f"the title “{text[:80]}”"
    position = mapping.get("note")
    if position is not None:
        found = [m for _, cells in table.body for m in values.months_in(str(cell(cells, position)))]
        found = [m for m in found if not month_problem(m)]
        if found:
            return max(found), "the latest month in the progress notes"
    return None, ""


def text_problems(number, found, labels):
    """Control characters and over-long text in a row's cells, each named by row and column."""
    problems = []
    for name, value in found.items():
        if not isinstance(value, str):
            continue
        limit = TEXT_LIMITS.get(name, LONG_TEXT_MAX_LENGTH)
        problem = control_character_error(value) or length_error(value, limit)
        if problem:
            problems.append(Problem(number, labels[name], problem))
    return problems


def read_document(filename, content, sheet=None):
    table = layout.locate(layout.read_sheets(filename, content), sheet=sheet)
    if filename.lower().endswith(".xlsx"):
        table.fills = layout.read_fills(content, table.sheet)
    return table


def parse_document(
    table,
    *,
    filename="",
    saved=None,
    chosen=None,
    as_at=None,
    objectives_as="themes",
    history_rows=None,
    scheme=None,
) -> Parsed:
    """Map the table's columns and read every row. Never raises for a problem in the file: they are
    listed on the result (`problems`), with the judgements made (`flags`). `scheme`: the existing
    plan's status scheme, whose own labels are read as statuses."""
    columns = layout.propose_mapping(table, saved=saved, chosen=chosen)
    parsed = Parsed(
        filename=filename,
        sheet=table.sheet,
        header_number=table.header_number,
        columns=layout.columns_json(columns),
        objectives_as=objectives_as if objectives_as in OBJECTIVES_AS else "themes",
        proposed_sheets=list(table.sheets),
    )
    for column in columns:
        if not column.field:
            parsed.not_imported.append(f"Column {column.letter} “{column.heading}” is not imported.")
    if table.skipped:
        first, last = table.skipped[0][0], table.skipped[-1][0]
        parsed.not_imported.append(
            f"Rows {first}–{last} below the table are not imported (they start “{table.skipped[0][1][:60]}”)."
            if last != first
            else f"Row {first} below the table is not imported (“{table.skipped[0][1][:60]}”)."
        )
    for title in table.other_sheets:
        if normalise(title) not in EXPORT_SHEETS:
            parsed.not_imported.append(f"The sheet “{title}” is not imported.")
    _parse_extras(table, parsed)
    scheme = _status_key(table, parsed) or scheme
    if history_rows is None:
        history_rows = next(
            (rows for title, rows in table.sheets.items() if normalise(title) == "progress history"), None
        )
    mapping = {c.field: c.position for c in columns if c.field}
    labels = {c.field: c.heading for c in columns if c.field}
    month, source = (as_at, "chosen") if as_at else propose_as_at(table, mapping)
    parsed.as_at, parsed.as_at_source = month, source
    if month is None:
        parsed.as_at, parsed.as_at_source = dates.current_month(), "not found in the document: this month"
    _scheme_detected(parsed, _parse_rows(table, parsed, mapping, labels, scheme))
    if history_rows:
        parsed.history, history_problems = parse_history(history_rows, scheme)
        parsed.problems += history_problems
    if not parsed.rows and not parsed.themes and not parsed.problems:
        parsed.problems.append(Problem(0, "File", "there are no rows under the heading row."))
    if month is None and any(u.note for r in parsed.rows for u in r.updates) and not parsed.history:
        parsed.flags.insert(
            0,
            Problem(
                0,
                "As at",
                f"no 'as at' month was found in the document: undated notes are reported in "
                f"{dates.month_label(parsed.as_at)} unless you choose another month.",
            ),
        )
    return parsed


def _status_fills(table, mapping):
    """{row number: RAG colour} of each row's status cell (with no status column, its progress cell).
    A row whose action or milestone cell has the same colour is a banded or highlighted row, not a
    rating, so its colour is not read."""
    position = mapping.get("status", mapping.get("note"))
    if position is None or not table.fills:
        return {}
    beside = [mapping[name] for name in ("action", "milestone") if name in mapping]
    found = {}
    for number, _ in table.body:
        colour = table.fills.get((number, position))
        if colour and not any(table.fills.get((number, other)) == colour for other in beside):
            found[number] = colour
    return found


def _status_key(table, parsed):
    """An export's "Status key" sheet (label, what it means, colour): the words its statuses are
    written in. A plan's own labels are kept so a new plan imported from the export reports in them.
    -> the StatusScheme to read the file with, or None."""
    rows = next((rows for title, rows in table.sheets.items() if normalise(title) == "status key"), None)
    if not rows or len(rows) < 2:
        return None
    families = {s.label.lower(): s.value for s in Status}
    entries = []
    for row in rows[1:]:
        label, means = _text(cell(row, 0)), normalise(cell(row, 1))
        if label and means in families:
            colour, meaning = _text(cell(row, 2)).lower(), _text(cell(row, 3))
            entries.append({"status": families[means], "label": label, "colour": colour, "meaning": meaning})
    if not entries:
        parsed.not_imported.append(f"The sheet “{STATUS_KEY_SHEET}” is not imported: it names no status.")
        return None
    pairs = {(e["status"], e["label"].casefold()) for e in entries}
    for kind, built_in in BUILT_IN.items():
        if pairs == {(e.value, e.label.casefold()) for e in built_in.statuses}:
            parsed.scheme = kind.value if kind != SchemeKind.FOUR else ""
            return built_in
    try:
        cleaned = custom_statuses_clean(entries)
    except ValidationError as refused:
        parsed.not_imported.append(f"The sheet “{STATUS_KEY_SHEET}” is not imported: {' '.join(refused.messages)}")
        return None
    parsed.custom_statuses = cleaned
    return StatusScheme.from_json({"kind": SchemeKind.CUSTOM, "statuses": cleaned})


def _scheme_detected(parsed, ratings):
    """A status column written mostly as RAG ratings (letters, words or colours) is a RAG plan; with
    Blue among them, Blue-Red-Amber-Green."""
    if parsed.scheme or parsed.custom_statuses or not ratings:
        return  # an export's status key says exactly what its scheme is
    if not ratings["rag"] or ratings["rag"] * 2 < ratings["all"]:
        return
    parsed.scheme = (SchemeKind.BRAG if ratings["blue"] else SchemeKind.RAG).value


def _single_theme_name(labels):
    heading = labels.get("theme", "")
    return heading if heading and not heading.startswith("(column") else "Priority objectives"


# A milestone's own cells that a sheet may merge down over several milestones (a RAG or a progress
# note for an action's milestones together): each of those milestones takes the text. Theme, action
# and milestone cells are not among them: their blank cells already continue the one above.
MERGED_DOWN = ("planned_start", "due", "lead", "lead_email", "agency", "note", "status")


def _merged_cells(table, mapping):
    """{(row number, field): the text of the merged range's top cell} for the rows below that top cell."""
    rows = table.sheets.get(table.sheet)
    ranges = getattr(rows, "merged", ())
    columns = {position + 1: name for name, position in mapping.items() if name in MERGED_DOWN}
    filled = {}
    for first_column, first_row, last_column, last_row in ranges:
        for column in range(first_column, last_column + 1):
            name = columns.get(column)
            if name is None or first_row > len(rows):
                continue
            top = cell(rows[first_row - 1], column - 1)
            if top in (None, ""):
                continue
            for number in range(first_row + 1, last_row + 1):
                filled[number, name] = top
    return filled


def _parse_rows(table, parsed, mapping, labels, scheme=None):
    problems, flags = parsed.problems, parsed.flags
    if parsed.objectives_as == "actions":
        if "milestone" in mapping or "theme" not in mapping:
            flags.append(
                Problem(0, "Objectives", "objectives can become actions only when there is no milestone column.")
            )
            parsed.objectives_as = "themes"
        else:
            single_theme = _single_theme_name(labels)
            mapping["milestone"] = mapping.pop("action", None)
            mapping["action"] = mapping.pop("theme")
            labels["milestone"], labels["action"] = labels.get("action", "Action"), labels.pop("theme")
            labels.pop("action", None) if mapping["milestone"] is None else None
            if mapping["milestone"] is None:
                del mapping["milestone"]
            if "ref" in mapping:
                parsed.not_imported.append(
                    f"Column “{labels['ref']}” is not imported: with objectives as actions, its refs "
                    "are the objectives' numbers."
                )
                del mapping["ref"]
    if parsed.objectives_as == "themes":
        single_theme = None
    if "milestone" in mapping and "action" not in mapping:
        mapping["action"] = mapping.pop("milestone")
        labels["action"] = labels.pop("milestone")
    if "action" not in mapping:
        problems.append(
            Problem(0, "Header", "no column is mapped to Action (or Milestone): choose which column holds the actions.")
        )
        return
    key_actions = "milestone" not in mapping  # each row is an action with its own dates, lead and progress
    if "theme" not in mapping and not single_theme:
        single_theme = table.sheet if table.sheet not in ("CSV", "Sheet1", "Sheet") else "Actions"
    # Bare numbers in the ref column that repeat under each objective are numbered within it.
    refs = [_text(cell(cells, mapping["ref"])) for _, cells in table.body] if "ref" in mapping else []
    bare = [r for r in refs if r.isdigit()]
    number_within_objective = len(bare) != len(set(bare))

    state = {"theme": None, "theme_number": 0, "action": None, "lead": None, "count": {}, "scheme": scheme}
    state["ratings"] = {"rag": 0, "all": 0, "blue": False, "fills": 0}
    state["fills"] = _status_fills(table, mapping)
    merged, used_merged = _merged_cells(table, mapping), set()
    above = {}
    for number, raw in table.body:
        found = {name: cell(raw, position) for name, position in mapping.items()}
        for name in MERGED_DOWN:
            if found.get(name) in (None, "") and (number, name) in merged:
                found[name] = merged[number, name]
                used_merged.add(name)
        if any(
            isinstance(found.get(n), str) and layout.clean_heading(found[n]) == layout.clean_heading(labels[n])
            for n in ("action", "milestone")
            if n in found and found[n]
        ):
            continue  # the heading row repeated on a later page
        for name, value in found.items():
            if isinstance(value, str) and normalise(value) in SAME_AS_ABOVE:
                found[name] = above.get(name, "")
        above.update({n: v for n, v in found.items() if v not in ("", None)})
        refused = text_problems(number, {n: v for n, v in found.items() if n != "theme"}, labels)
        theme_text = _text(found.get("theme", ""))
        if theme_text:
            problem = control_character_error(theme_text)
            if problem:
                refused.append(Problem(number, labels["theme"], problem))
        agency = _text(found.get("agency", ""))
        if agency and normalise(agency) not in AGENCIES:
            refused.append(
                Problem(
                    number,
                    labels["agency"],
                    f"'{agency[:40]}' is not an agency: use one of {', '.join(Person.Agency.values)}.",
                )
            )
        if refused:
            problems += refused
            continue
        # An objective starts a theme; blank objective cells (merged ones too) continue the one above.
        if single_theme and state["theme"] is None:
            state["theme"], state["theme_number"] = single_theme, 0
            parsed.themes.append(single_theme)
        if theme_text and _theme_name(theme_text) != state["theme"]:
            name = _theme_name(theme_text)
            if name not in parsed.themes:
                parsed.themes.append(name)
            described = _text(found.get("theme_description", ""))
            if described and described != name:
                parsed.theme_texts.setdefault(name, described)  # a column of full texts (as the export writes)
            elif name != theme_text:
                parsed.theme_texts[name] = theme_text
                flags.append(
                    Problem(
                        number,
                        labels["theme"],
                        f"the objective is {len(theme_text)} characters long, more than a theme's name holds "
                        f"({THEME_MAX}): the theme is named “{name[:60]}…” and the full text is kept as its "
                        "description, shown under its name.",
                    )
                )
            leading = LEADING_NUMBER.match(theme_text)
            state["theme"] = name
            state["theme_number"] = int(leading.group(1)) if leading else parsed.themes.index(name) + 1
        action_text = _text(found.get("action", ""))
        ref = _text(found.get("ref", ""))
        milestone_text = "" if key_actions else _text(found.get("milestone", ""))
        detail = any(
            found.get(n) not in ("", None)
            for n in ("due", "planned_start", "lead", "note", "status", "lead_email", "action_lead")
        )
        if not (action_text or ref or milestone_text or detail):
            continue  # an objective on its own row (kept as a theme), or an outcome-only row
        if state["theme"] is None:
            problems.append(
                Problem(number, labels.get("theme", "Theme"), "no theme or objective is given above this row.")
            )
            continue
        if action_text or (ref and not milestone_text and key_actions):
            if action_text and not ref:
                match = REF_AND_TITLE.match(action_text)
                if match:
                    ref, action_text = match.group(1), match.group(2).strip()
            if parsed.objectives_as == "actions" or not ref:
                count = state["count"][state["theme"]] = state["count"].get(state["theme"], 0) + 1
                if parsed.objectives_as == "actions":
                    state["objectives"] = state.get("objectives", 0) + 1
                    leading = LEADING_NUMBER.match(action_text)
                    ref = leading.group(1) if leading else str(state["objectives"])
                else:
                    ref = f"{state['theme_number']}.{count}" if state["theme_number"] else str(count)
            elif number_within_objective and ref.isdigit() and state["theme_number"]:
                ref = f"{state['theme_number']}.{ref}"
            problem = length_error(ref, TEXT_LIMITS["ref"])
            if problem:
                problems.append(Problem(number, labels.get("ref", "Ref"), problem))
                continue
            if not action_text:
                problems.append(Problem(number, labels["action"], f"ref {ref} has no action text."))
                continue
            lead = values.parse_lead(found.get("action_lead") or found.get("lead") or "")
            if not lead.name and parsed.objectives_as == "themes":
                lead = state["action"]["lead"] if state["action"] else values.Lead(state["lead"] or "")
            state["action"] = {
                "ref": ref,
                "title": action_text,
                "lead": lead,
                "outcome": _text(found.get("outcome", "")),
                "source": _text(found.get("source", "")),
                "theme": state["theme"],
            }
            state["new"] = True
        elif state["action"] is None:
            problems.append(Problem(number, labels["action"], "this row comes before any action."))
            continue
        else:
            state["new"] = False
        action = state["action"]
        if key_actions:
            milestone_text = action["title"] if detail else ""
        elif not milestone_text and detail:
            problems.append(
                Problem(
                    number, labels.get("milestone", "Milestones"), "empty: every row needs a milestone description."
                )
            )
            continue
        row = Row(
            number=number,
            ref=action["ref"],
            title=action["title"],
            theme=action["theme"],
            action_lead=action["lead"].name,
            action_lead_email=action["lead"].email,
            action_lead_title=action["lead"].job_title,
            milestone=milestone_text,
            planned_start=None,
            due=None,
            lead="",
            outcome=action["outcome"],
            source=action["source"],
            agency=agency,
        )
        if not milestone_text:
            parsed.rows.append(row)
            continue
        _parse_milestone(number, found, labels, row, state, parsed, "action_lead" in mapping)
    if state["ratings"]["fills"]:
        column = labels.get("status") or labels.get("note", "Progress")
        flags.append(
            Problem(
                0,
                column,
                f"{state['ratings']['fills']} status{'es were' if state['ratings']['fills'] > 1 else ' was'} read "
                "from the cells' fill colours (red, amber, green, blue), the cells having no status written in them.",
            )
        )
    if used_merged:
        columns = ", ".join(f"“{labels.get(name, name)}”" for name in MERGED_DOWN if name in used_merged)
        flags.append(
            Problem(
                0,
                "Merged cells",
                f"cells merged over several rows ({columns}) were read as each of those rows' own.",
            )
        )
    _action_leads(parsed, labels)
    return state["ratings"]


def _action_leads(parsed, labels):
    """An action whose own row names no lead is led by its first milestone's lead."""
    first = {}
    for row in parsed.rows:
        if row.action_lead:
            first.setdefault(row.ref, (row.action_lead, row.action_lead_email, row.action_lead_title))
    for row in parsed.rows:
        if row.lead:
            first.setdefault(row.ref, (row.lead, row.lead_email, row.lead_title))
    kept, above = [], None
    for row in parsed.rows:
        if not row.action_lead:
            if row.ref not in first and above:
                first[row.ref] = above
                parsed.flags.append(
                    Problem(
                        row.number,
                        labels.get("lead", "Lead"),
                        f"action {row.ref} names no lead and has no milestones: it is led by {above[0]}, "
                        "the lead of the action above (change it on the action's page).",
                    )
                )
            if row.ref not in first:
                parsed.problems.append(
                    Problem(row.number, labels.get("lead", "Lead"), f"no lead is given for action {row.ref}.")
                )
                continue
            row.action_lead, row.action_lead_email, row.action_lead_title = first[row.ref]
        above = (row.action_lead, row.action_lead_email, row.action_lead_title)
        kept.append(row)
    parsed.rows = kept


def _parse_milestone(number, found, labels, row, state, parsed, has_action_lead):
    problems, flags = parsed.problems, parsed.flags
    before = len(problems)
    try:
        start = values.parse_timescale(found.get("planned_start"), end_of_month=False)
    except ValueError as error:
        problems.append(Problem(number, labels["planned_start"], str(error)))
        start = values.Timescale(None)
    try:
        due = values.parse_timescale(found.get("due"), end_of_month=True)
    except ValueError as error:
        problems.append(Problem(number, labels["due"], str(error)))
        due = values.Timescale(None)
    row.planned_start, row.due = start.date, due.date
    for name, value in (("planned_start", row.planned_start), ("due", row.due)):
        problem = date_range_error(value)
        if problem:
            problems.append(Problem(number, labels[name], problem))
    if row.planned_start and row.due and row.due < row.planned_start:
        problems.append(
            Problem(
                number,
                labels["due"],
                f"{row.due:%d %b %Y} is before the planned start date {row.planned_start:%d %b %Y}.",
            )
        )
    if due.words:
        row.milestone = f"{row.milestone} (Timescale: {due.words})"
        if row.due is None:
            flags.append(
                Problem(
                    number,
                    labels["due"],
                    f"“{due.words[:40]}”: no due date; the timescale is kept in the milestone's text.",
                )
            )
    lead = values.parse_lead(found.get("lead") or "")
    if not lead.name:
        # Blank: the action lead where the sheet has that column, else the lead above (merged cells).
        lead = row_lead(row) if has_action_lead or not state["lead"] else values.Lead(state["lead"])
    if not lead.name:
        problems.append(Problem(number, labels.get("lead", "Lead"), "no milestone lead or action lead is given."))
    state["lead"] = lead.name
    row.lead, row.lead_title = lead.name, lead.job_title
    row.supporting_leads = [[other.name, other.email, other.job_title] for other in lead.others]
    row.lead_email = _text(found.get("lead_email", "")) or lead.email
    if row.lead_email and not values.EMAIL.fullmatch(row.lead_email):
        problems.append(
            Problem(number, labels.get("lead_email", "Lead email"), f"'{row.lead_email[:60]}' is not an email address.")
        )
    note = _text(found.get("note", ""))
    scheme, fill = state.get("scheme"), state["fills"].get(number)
    column_status = None
    if _text(found.get("status", "")):
        try:
            column_status = values.parse_status(found.get("status"), "", scheme)
        except ValueError as error:
            problems.append(Problem(number, labels["status"], str(error)))
    elif fill and "status" in labels:
        column_status = values.fill_status(fill)  # no words in the status cell: its colour is the rating
    if column_status is not None:
        _count_rating(state["ratings"], column_status)
    if due.achieved and column_status is None:
        column_status = values.StatusReading(Status.ACHIEVED)
    entries = values.split_entries(note)
    if not entries and column_status and column_status.status != Status.NOT_STARTED:
        entries = [values.NoteEntry(None, "")]
    if not entries and fill and "status" not in labels and "note" in labels:
        entries = [values.NoteEntry(None, "")]  # a progress cell with only a colour
    for index, entry in enumerate(entries):
        latest = index == len(entries) - 1
        reading = values.status_in(values.entry_words(entry), scheme) if entry.text else None
        if latest and column_status:
            reading = column_status
        if latest and reading is None and fill and "status" not in labels:
            # No status column: a coloured progress cell whose words say no status is rated by its colour.
            reading = values.fill_status(fill)
            _count_rating(state["ratings"], reading)
        if reading is None:
            reading = values.StatusReading(Status.NOT_STARTED, said=False)
            flags.append(
                Problem(
                    number,
                    labels.get("note", "Progress"),
                    "the note says no status (and the status cell is blank): imported as Not started"
                    + (f" for {dates.month_label(entry.month)}." if entry.month else "."),
                )
            )
        text = entry.text
        if reading.rag and reading.word and latest:
            flags.append(
                Problem(
                    number,
                    labels.get("status", "Status"),
                    f"“{reading.word}” is read as {reading.rag}: imported as {Status(reading.status).label}"
                    + (" (a mixed rating takes its worse colour)." if "/" in reading.word else "."),
                )
            )
        if reading.status == Status.AT_RISK and not text:
            # At risk needs a note saying why; the sheet gave none. The rating is kept, not downgraded or
            # refused, with a note saying where it came from, and flagged so the lead can add the reason.
            said = reading.word or reading.rag or Status.AT_RISK.label
            said += " (the cell's colour)" if reading.fill else ""
            text = f"Rated {said} in the imported file, with no note saying why."
            flags.append(
                Problem(
                    number,
                    labels.get("note", "Progress"),
                    f"{said} with no note: imported as At risk with the note “{text}” (add the reason on the "
                    "milestone's page).",
                )
            )
        month = entry.month or parsed.as_at
        problem = month_problem(month)
        if problem:
            problems.append(Problem(number, labels.get("note", "Progress"), problem))
            continue
        if reading.status == Status.NOT_ON_TRACK and not text:
            problems.append(
                Problem(
                    number, labels.get("note", "Progress Note"), "a milestone not on track needs a note saying why."
                )
            )
            continue
        length = length_error(text, NOTE_MAX_LENGTH)
        if length:
            problems.append(Problem(number, labels.get("note", "Progress"), length))
            continue
        row.updates.append(Update(month, reading.status, text))
    if lead.second:
        kept = ", ".join(other.name for other in lead.others)
        left = (
            f" (at most {values.MAX_SUPPORTING_LEADS} are kept: the cell names more)"
            if len(lead.others) == values.MAX_SUPPORTING_LEADS and kept != lead.second
            else ""
        )
        flags.append(
            Problem(
                number,
                labels.get("lead", "Lead"),
                f"several leads: {lead.name} is the milestone lead; {kept} "
                f"{'is a supporting lead' if len(lead.others) == 1 else 'are supporting leads'} (each can update it)"
                f"{left}.",
            )
        )
    if len(problems) == before:
        parsed.rows.append(row)


def _count_rating(ratings, reading):
    """Tally the status column's readings, to tell a RAG sheet from one written in words."""
    ratings["all"] += 1
    ratings["rag"] += bool(reading.rag)
    ratings["blue"] |= reading.rag == "Blue"
    ratings["fills"] += reading.fill


def row_lead(row):
    return values.Lead(row.action_lead, row.action_lead_title, row.action_lead_email)


# Other sheets: version control, approval history, abbreviations ----------------------------

EXTRA_HEADINGS = {
    "label": ["version", "version no", "version number", "ver", "v", "issue"],
    "date": ["date", "date of change", "version date", "date approved", "approval date", "issued"],
    "change": [
        "change",
        "changes",
        "change or reason",
        "description",
        "reason",
        "summary",
        "summary of changes",
        "comments",
        "details",
    ],
    "body": ["approved by", "approving body", "body", "approval", "meeting", "committee", "board"],
    "term": ["abbreviation", "abbreviations", "acronym", "acronyms", "term", "terms", "abbreviation/acronym"],
    "definition": ["definition", "meaning", "full name", "stands for", "description", "in full", "explanation"],
}


def _extra_header(rows, wanted):
    for index, row in enumerate(rows[:10]):
        found = {}
        for position, value in enumerate(row):
            key = layout.clean_heading(value)
            for name in wanted:
                if name not in found and key in EXTRA_HEADINGS[name]:
                    found[name] = position
                    break
        if len(found) >= 2:
            return index, found
    return None, {}


def _extra_date(value):
    try:
        return values.parse_timescale(value, end_of_month=False).date
    except ValueError:
        return None


def _parse_extras(table, parsed):
    """Version control, approval history and abbreviations sheets -> the plan's versions, approvals
    and glossary. A row that cannot be read is listed, never dropped in silence."""
    for kind, (title, rows) in table.extras.items():
        if kind == "sources":
            parsed.not_imported.append(f"The sheet “{title}” is not imported (sources are read from a column).")
            continue
        if kind == "glossary":
            index, found = _extra_header(rows, ("term", "definition"))
            if index is None:
                index, found = -1, {"term": 0, "definition": 1}
            for number, row in enumerate(rows[index + 1 :], start=index + 2):
                term, meaning = _text(cell(row, found["term"])), _text(cell(row, found["definition"]))
                if not term and not meaning:
                    continue
                if not term or not meaning or len(term) > GlossaryTerm._meta.get_field("term").max_length:
                    parsed.not_imported.append(
                        f"Sheet “{title}”, row {number} is not imported (“{(term or meaning)[:40]}”)."
                    )
                    continue
                parsed.glossary.append([term, meaning])
            continue
        index, found = _extra_header(rows, ("label", "date", "change", "body"))
        if index is None or "label" not in found:
            parsed.not_imported.append(f"The sheet “{title}” is not imported: no Version and Date headings were found.")
            continue
        last_label = ""
        for number, row in enumerate(rows[index + 1 :], start=index + 2):
            label = _text(cell(row, found["label"]))
            day = _extra_date(cell(row, found["date"])) if "date" in found else None
            body = _text(cell(row, found["body"])) if "body" in found else ""
            change = _text(cell(row, found["change"])) if "change" in found else ""
            if not (label or body or change):
                continue
            if kind == "approvals" and not label:
                label = last_label
            if not label or day is None or len(label) > PlanVersion._meta.get_field("label").max_length:
                parsed.not_imported.append(
                    f"Sheet “{title}”, row {number} is not imported: it needs a version and a date."
                )
                continue
            last_label = label
            if kind == "versions" and not any(v[0] == label for v in parsed.versions):
                parsed.versions.append([label, day, change])
            if body:
                parsed.approvals.append([label, body, day])
        if kind == "approvals":
            known = {v[0] for v in parsed.versions}
            for label, _, day in parsed.approvals:
                if label not in known:
                    parsed.versions.append([label, day, ""])
                    known.add(label)


HISTORY_SHEET = "Progress history"
HISTORY_LABELS = {"ref": "Ref", "milestone": "Milestone", "month": "Month", "status": "Status", "note": "Note"}
HISTORY_LIMITS = {
    "ref": TEXT_LIMITS["ref"],
    "milestone": DESCRIPTION_MAX_LENGTH,
    "note": NOTE_MAX_LENGTH,
    "status reason": NOTE_MAX_LENGTH,
}


def _history_status(word, labels, scheme):
    """A history row's status: the family's label, the plan's own label, or a RAG word (an export
    writes statuses in its plan's scheme: "Amber", "Complete", "Progressing")."""
    key = normalise(word)
    if key in labels:
        return labels[key]
    found = scheme.reading(str(word or "")) if scheme is not None else None
    if found:
        return found.value
    reading = values.match_status(str(word or ""), scheme) if key else None
    return reading.status if reading else None


def parse_history(rows, scheme=None):
    """The 'Progress history' sheet of an export: every update, so a round trip keeps the history.
    -> (entries, problems); a row that cannot be written is a problem naming the sheet, row and column."""
    if not rows:
        return [], []
    header = [normalise(c) for c in rows[0]]
    index = {name: header.index(name) for name in (*HISTORY_LABELS, "status reason") if name in header}
    if not all(name in index for name in HISTORY_LABELS):
        return [], []
    result, problems = [], []
    labels = {s.label.lower(): s.value for s in Status}

    def where(name):
        return f"{HISTORY_SHEET} sheet, {HISTORY_LABELS.get(name, name.capitalize())}"

    for number, row in enumerate(rows[1:], start=2):
        value = {name: row[i] if i < len(row) else None for name, i in index.items()}
        if not value["milestone"]:
            continue
        refused = False
        for name, limit in HISTORY_LIMITS.items():
            text = value.get(name)
            problem = isinstance(text, str) and (control_character_error(text) or length_error(text, limit))
            if problem:
                problems.append(Problem(number, where(name), problem))
                refused = True
        month = dates.parse_month(str(value["month"] or ""))
        status = _history_status(value["status"], labels, scheme)
        if month is None:
            problems.append(
                Problem(number, where("month"), f"'{value['month']}' is not a month: write it like 2009-10.")
            )
        elif problem := month_problem(month):
            problems.append(Problem(number, where("month"), problem))
            month = None
        if status is None:
            problems.append(
                Problem(
                    number,
                    where("status"),
                    f"'{value['status']}' is not a status: use {', '.join(s.label for s in Status)}.",
                )
            )
        if month and status and not refused:
            result.append(
                HistoryEntry(
                    number, str(value["ref"]), str(value["milestone"]), month, status, str(value["note"] or "")
                )
            )
    return result, problems


# Writing ------------------------------------------------------------------------------------


def _service(number, column, function, **kwargs):
    """Call a service; its refusal becomes a problem naming the row and column."""
    try:
        return function(**kwargs)
    except ValidationError as refused:
        raise ImportRefused([Problem(number, column, " ".join(refused.messages))]) from refused
    except PermissionDenied as refused:
        raise ImportRefused([Problem(number, column, str(refused))]) from refused


def _many(numbers, column, function, **kwargs):
    """A *_many service; its refusal of one record becomes a problem naming that record's row."""
    try:
        return function(**kwargs)
    except ValidationError as refused:
        where = numbers[getattr(refused, "index", 0)] if numbers else 0
        number, column = where if isinstance(where, tuple) else (where, column)
        raise ImportRefused([Problem(number, column, " ".join(refused.messages))]) from refused
    except PermissionDenied as refused:
        raise ImportRefused([Problem(0, "Plan", str(refused))]) from refused


def _key(name):
    return re.sub(r"\s+", " ", name or "").strip().lower()


# New leads one import may add to an organisation's list (a plan of 2,000 milestones names far fewer).
MAX_NEW_PEOPLE = 2_000


class _People:
    """The plan organisation's list of leads, read once; a new name is added through person_create."""

    def __init__(self, plan, author, summary):
        self.plan, self.author, self.summary = plan, author, summary
        self.by_email, self.by_name = {}, {}
        for person in Person.objects.for_plan(plan).order_by("id"):
            if person.email:
                self.by_email.setdefault(person.email.lower(), person)
            self.by_name.setdefault(_key(person.name), person)

    def get(self, number, column, name, email="", job_title="", agency=""):
        person = (self.by_email.get(email.lower()) if email else None) or self.by_name.get(_key(name))
        if person is None and len(self.summary.people_created) >= MAX_NEW_PEOPLE:
            raise ImportRefused(
                [
                    Problem(
                        number,
                        column,
                        f"the file names more than {MAX_NEW_PEOPLE:,} people who are not on the list of leads: "
                        "check that the right column is mapped to Lead, or add the people first.",
                    )
                ]
            )
        if person is None:
            fields = {"name": re.sub(r"\s+", " ", name).strip(), "email": email, "job_title": job_title[:200]}
            fields["agency"] = AGENCIES.get(normalise(agency), Person.Agency.OTHER)
            try:
                person = plan_services.person_create(actor=self.author, owner=self.plan.owner, **fields)
            except PermissionDenied as refused:
                raise ImportRefused(
                    [
                        Problem(
                            number,
                            column,
                            f"“{fields['name']}” is not on {self.plan.owner}'s list of leads, and only its "
                            "organisation-wide programme manager can add leads. Ask them to add this person, "
                            "or import the file as them.",
                        )
                    ]
                ) from refused
            except ValidationError as refused:
                raise ImportRefused([Problem(number, column, " ".join(refused.messages))]) from refused
            self.summary.people_created.append(person.name)
        elif email and not person.email:
            # The same person, now with an email address (the organisation's list is kept through its service).
            try:
                person = plan_services.person_update(actor=self.author, person=person, email=email)
            except (PermissionDenied, ValidationError):
                pass
        if email:
            self.by_email[email.lower()] = person
        self.by_name.setdefault(_key(name), person)
        return person


def _locked_message(month):
    return f"{dates.month_label(month)} is locked (its snapshot has been taken): report on a later month."


def parsed_write(parsed: Parsed, *, plan_name, owner=None, author=None, dry_run=False) -> ImportSummary:
    """Write a parsed file into the named plan (created, owned by `owner`, if new), all or nothing.
    Raises ImportRefused with every problem; a dry run writes and rolls back."""
    problems = list(parsed.problems)
    # In the owning organisation: another organisation's plan of the same name is another plan.
    plans = list(Plan.objects.named(plan_name, owner)[:2])
    plan = plans[0] if len(plans) == 1 else None
    if len(plans) > 1:
        problems.append(Problem(0, "Plan", f"several organisations have a plan called “{plan_name}”: name the owner."))
    elif plan is None and owner is None:
        problems.append(Problem(0, "Plan", "a new plan needs the organisation that owns it."))
    if plan:
        locked = set(LockedMonth.objects.filter(plan=plan).values_list("month", flat=True))
        if locked:
            existing = _existing_updates(plan)
            for row in parsed.rows:
                for update in row.updates if not parsed.history else []:
                    if update.month in locked and (row.ref, row.milestone, update.month, update.note) not in existing:
                        problems.append(Problem(row.number, "Progress", _locked_message(update.month)))
            for entry in parsed.history:
                if entry.month in locked and (entry.ref, entry.milestone, entry.month, entry.note) not in existing:
                    problems.append(
                        Problem(entry.number, f"{HISTORY_SHEET} sheet, Month", _locked_message(entry.month))
                    )
    if problems:
        raise ImportRefused(problems)
    summary = ImportSummary(dry_run=dry_run)
    with transaction.atomic():
        _write(parsed, plan, plan_name, summary, owner, author)
        if dry_run:
            transaction.set_rollback(True)
    return summary


def _existing_updates(plan):
    return set(
        ProgressUpdate.objects.filter(milestone__action__plan=plan).values_list(
            "milestone__action__ref", "milestone__description", "reporting_month", "note"
        )
    )


def _write(parsed, plan, plan_name, summary, owner, author):
    if plan is None:
        # A new plan reports in the scheme its sheet is written in (RAG, BRAG), so Amber stays Amber.
        scheme = {"status_scheme": parsed.scheme} if parsed.scheme else {}
        if parsed.custom_statuses:  # an export of a plan with its own labels
            scheme = {"status_scheme": SchemeKind.CUSTOM.value, "custom_statuses": parsed.custom_statuses}
        plan = _service(0, "Plan", plan_services.plan_create, actor=author, owner=owner, name=plan_name, **scheme)
        summary.plan_created = True
    else:
        _service(0, "Plan", plan_services.permission_check, actor=author, permission="plans.change_plan", obj=plan)
    summary.status_scheme, summary.scheme_note = plan.status_scheme, _scheme_note(parsed, plan, summary.plan_created)
    themes = {t.name.lower(): t for t in Theme.objects.filter(plan=plan)}
    for name in parsed.themes:
        full_text = parsed.theme_texts.get(name, "")
        theme = themes.get(name.lower())
        if theme is None:
            themes[name.lower()] = _service(
                0,
                "Theme",
                plan_services.theme_create,
                actor=author,
                plan=plan,
                name=name,
                description=full_text,
                order=len(themes) + 1,
            )
            summary.themes_created.append(name)
        elif full_text and not theme.description:
            # A theme imported before its full text had a place; one written on the plan is never replaced.
            _service(0, "Theme", plan_services.theme_update, actor=author, theme=theme, description=full_text)
            summary.notes.append(f"“{name}” now keeps its objective's full text.")
    people = _People(plan, author, summary)
    actions = {a.ref: a for a in Action.objects.filter(plan=plan).select_related("theme")}
    milestones = {}
    for milestone in (
        Milestone.objects.filter(action__plan=plan).prefetch_related("supporting_leads").order_by("order", "id")
    ):
        milestones.setdefault((milestone.action_id, milestone.description), []).append(milestone)
    known_updates = set(
        ProgressUpdate.objects.filter(milestone__action__plan=plan).values_list(
            "milestone_id", "reporting_month", "status", "note"
        )
    )
    seen_actions, order, occurrences = set(), {}, {}
    new_milestones, new_supporting, new_updates, new_keys = [], [], [], set()
    now = timezone.now()
    for row in parsed.rows:
        theme = themes[row.theme.lower()]
        action_lead = people.get(row.number, "Lead", row.action_lead, row.action_lead_email, row.action_lead_title)
        action = actions.get(row.ref)
        if action is None:
            action = actions[row.ref] = _service(
                row.number,
                "Action",
                plan_services.action_create,
                actor=author,
                plan=plan,
                ref=row.ref,
                title=row.title,
                theme=theme,
                action_lead=action_lead,
                expected_outcome=row.outcome,
                sources=row.source,
            )
            summary.actions_created.append(row.ref)
        elif row.ref not in seen_actions:
            changes = {
                name: value
                for name, value in (("title", row.title), ("theme", theme), ("action_lead", action_lead))
                if getattr(action, name) != value
            }
            if changes:
                _service(row.number, "Action", plan_services.action_update, actor=author, action=action, **changes)
                summary.actions_updated.append(row.ref)
        seen_actions.add(row.ref)
        if not row.milestone:
            continue
        lead = people.get(row.number, "Lead", row.lead, row.lead_email, row.lead_title, row.agency)
        supporting = [
            people.get(row.number, "Lead", name, email, title, row.agency)
            for name, email, title in row.supporting_leads
        ]
        supporting = [person for person in dict.fromkeys(supporting) if person.pk != lead.pk]
        order[row.ref] = order.get(row.ref, 0) + 1
        # The same description twice in one action (seed 2.09 has it) matches the same occurrence.
        occurrence = occurrences.get((row.ref, row.milestone), 0)
        occurrences[(row.ref, row.milestone)] = occurrence + 1
        matches = milestones.setdefault((action.pk, row.milestone), [])
        milestone = matches[occurrence] if occurrence < len(matches) else None
        if milestone is None:
            milestone = Milestone(
                action=action,
                description=row.milestone,
                planned_start=row.planned_start,
                due_date=row.due,
                lead=lead,
                order=order[row.ref],
            )
            matches.append(milestone)
            new_milestones.append((row.number, milestone))
            new_supporting.append(supporting)
            summary.milestones_created += 1
        else:
            changes = {}
            if milestone.planned_start != row.planned_start:
                changes["planned_start"] = row.planned_start
            if milestone.lead_id != lead.pk:
                changes["lead"] = lead
            # Supporting leads named in the sheet are added; ones added in the app are kept.
            had = list(milestone.supporting_leads.all()) if milestone.pk else []
            if supporting and not {p.pk for p in supporting} <= {p.pk for p in had}:
                changes["supporting_leads"] = list(dict.fromkeys(had + supporting))
            if milestone.due_date is None and row.due:
                changes["due_date"] = row.due
            elif row.due and row.due != milestone.due_date:
                summary.notes.append(
                    f"Row {row.number}: the due date {row.due:%d %b %Y} differs from the original "
                    f"{milestone.due_date:%d %b %Y}, which is kept (record an exception to re-plan)."
                )
            if changes and milestone.pk:
                _service(row.number, "Milestone", milestone_update, actor=author, milestone=milestone, **changes)
                summary.milestones_updated += 1
        if parsed.history:  # an export's history sheet holds every update
            continue
        for update in row.updates:
            key = (id(milestone), update.month, update.status, update.note)
            if (milestone.pk, *key[1:]) in known_updates or key in new_keys:
                continue
            new_keys.add(key)
            new_updates.append((row.number, "Progress", milestone, update))
    _many(
        [number for number, _ in new_milestones],
        "Milestone",
        milestone_create_many,
        actor=author,
        plan=plan,
        milestones=[m for _, m in new_milestones],
        supporting_leads=new_supporting,
    )
    if parsed.history:
        by_description = {}
        for milestone in Milestone.objects.filter(action__plan=plan).select_related("action").order_by("order", "id"):
            by_description.setdefault((milestone.action.ref, milestone.description), milestone)
        for number, ref, description, month, status, note in parsed.history:
            milestone = by_description.get((ref, description))
            if milestone and (milestone.pk, month, status, note) not in known_updates:
                known_updates.add((milestone.pk, month, status, note))
                new_updates.append((number, "Progress history", milestone, Update(month, status, note)))
    _many(
        [(number, column) for number, column, _, _ in new_updates],
        None,
        progress_update_record_many,
        plan=plan,
        updates=[
            ProgressUpdate(milestone=m, reporting_month=u.month, status=u.status, note=u.note)
            for _, _, m, u in new_updates
        ],
        source=ProgressUpdate.Source.IMPORTED,
        brought_in_by=author,
        recorded_at=now,
    )
    summary.updates_added += len(new_updates)
    _write_extras(parsed, plan, summary, author)
    return plan


def _scheme_note(parsed, plan, created):
    """The preview's sentence on statuses: the scheme found in the sheet, and the one the plan reports in."""
    shown = ", ".join(entry.label for entry in plan.scheme.statuses)
    found = BUILT_IN[parsed.scheme] if parsed.scheme else None
    if found is None and parsed.custom_statuses:
        own = ", ".join(entry["label"] for entry in parsed.custom_statuses)
        kept = "the new plan reports in them" if created else f"the plan keeps its status scheme ({shown})"
        return f"The file's own statuses ({own}, from its {STATUS_KEY_SHEET} sheet): {kept}."
    if found is None:
        return f"No RAG ratings in the file: the new plan reports in {shown}." if created else ""
    said = f"RAG ratings in the file ({', '.join(entry.label for entry in found.statuses)})"
    if created:
        return f"{said}: the new plan reports in {SchemeKind(plan.status_scheme).label}."
    if plan.status_scheme == parsed.scheme:
        return f"{said}, as the plan reports."
    return (
        f"{said}: the plan keeps its status scheme ({shown}); an Amber rating is shown as "
        f"“{plan.scheme.label(Status.AT_RISK)}”."
    )


def _write_extras(parsed, plan, summary, author):
    versions = {v.label.lower(): v for v in PlanVersion.objects.filter(plan=plan)}
    for label, day, change in parsed.versions:
        if label.lower() not in versions:
            versions[label.lower()] = _service(
                0,
                "Version control",
                plan_services.plan_version_create,
                actor=author,
                plan=plan,
                label=label,
                date=day,
                change=change,
            )
            summary.versions_created += 1
    for label, body, day in parsed.approvals:
        version = versions[label.lower()]
        if not version.approvals.filter(body=body, date=day).exists():
            _service(
                0,
                "Approvals",
                plan_services.plan_approval_create,
                actor=author,
                plan=plan,
                version=version,
                body=body,
                date=day,
            )
            summary.approvals_created += 1
    terms = {t.lower() for t in GlossaryTerm.objects.filter(plan=plan).values_list("term", flat=True)}
    for term, definition in parsed.glossary:
        if term.lower() not in terms:
            _service(
                0,
                "Glossary",
                plan_services.glossary_term_create,
                actor=author,
                plan=plan,
                term=term,
                definition=definition,
            )
            terms.add(term.lower())
            summary.glossary_created += 1


def _record(number, column, milestone, month, status, note, now, author):
    """One imported update, through the service every update goes through (locks, lengths, choices)."""
    _service(
        number,
        column,
        progress_update_record,
        milestone=milestone,
        reporting_month=month,
        status=status,
        note=note,
        source=ProgressUpdate.Source.IMPORTED,
        brought_in_by=author,
        recorded_at=now,
    )


def plan_import(
    *,
    plan_name,
    filename,
    content: bytes,
    dry_run=False,
    author=None,
    owner=None,
    sheet=None,
    mapping=None,
    saved_mapping=None,
    as_at=None,
    objectives_as="themes",
    scheme=None,
) -> ImportSummary:
    """Read, map and write a council's plan in one go (the command line and the exported-workbook
    import). Raises ImportRefused listing every problem; nothing is written then."""
    parsed = parse_file(
        filename,
        content,
        sheet=sheet,
        chosen=mapping,
        saved=saved_mapping,
        as_at=as_at,
        objectives_as=objectives_as,
        scheme=scheme or plan_scheme(plan_name, owner),
    )
    summary = parsed_write(parsed, plan_name=plan_name, owner=owner, author=author, dry_run=dry_run)
    summary.parsed = parsed
    return summary


def plan_scheme(plan_name, owner=None):
    """The status scheme of the plan being imported into (None for a new plan)."""
    plans = list(Plan.objects.named(plan_name, owner)[:2])
    return plans[0].scheme if len(plans) == 1 else None


def parse_file(
    filename, content, *, sheet=None, chosen=None, saved=None, as_at=None, objectives_as="themes", scheme=None
):
    """The file read and mapped (raises ImportRefused only when it cannot be read at all)."""
    table = read_document(filename, content, sheet=sheet)
    return parse_document(
        table,
        filename=filename,
        saved=saved,
        chosen=chosen,
        as_at=as_at,
        objectives_as=objectives_as,
        scheme=scheme,
    )
