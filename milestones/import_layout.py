"""Where the plan is in a council's workbook, and what its columns mean.

A council's plan is rarely a clean table: title rows sit above it ("Improvement Plan (as at
August 2011)"), a key or notes below it, and other sheets beside it (version control, sources,
abbreviations). This module finds the sheet and the heading row, ends the table where the
key begins, and proposes a mapping of the sheet's own headings to the app's fields, from the
headings' words (synonyms) and from the values found in each column. The programme manager
can change any column's mapping; the mapping is saved with the plan and used again next month.
"""

import re
from dataclasses import asdict, dataclass, field

from plans.importing import ImportRefused, Problem, normalise, read_csv, read_workbook

from . import import_values as values

# The app's fields a column can be imported into, in the order the preview lists them.
FIELDS = {
    "theme": "Theme / priority objective",
    "theme_description": "Theme / objective in full",
    "ref": "Ref",
    "action": "Action",
    "milestone": "Milestone",
    "planned_start": "Planned start date",
    "due": "Due date / timescale",
    "lead": "Lead",
    "action_lead": "Action lead",
    "lead_email": "Lead email",
    "agency": "Agency",
    "outcome": "Outcome / success measure",
    "note": "Progress note",
    "status": "Status / RAG",
    "source": "Source (inspection reference)",
}
NOT_IMPORTED = ""

# Headings seen in councils' plans (normalised: lower case, single spaces, no trailing : ? .).
SYNONYMS = {
    "theme": [
        "theme",
        "themes",
        "priority objective",
        "priority objectives",
        "objective",
        "objectives",
        "strategic objective",
        "area for improvement",
        "areas for improvement",
        "improvement area",
        "recommendation",
        "recommendations",
        "priority",
        "priority area",
        "jar theme",
    ],
    "theme_description": [
        "theme description",
        "objective description",
        "objective in full",
        "theme in full",
        "full objective",
        "full text of objective",
    ],
    "ref": [
        "ref",
        "ref no",
        "ref.",
        "no",
        "no.",
        "number",
        "item",
        "item no",
        "action ref",
        "reference",
        "#",
        "action no",
    ],
    "action": [
        "action",
        "actions",
        "key action",
        "key actions",
        "action title",
        "task",
        "tasks",
        "activity",
        "activities",
        "what",
        "what we will do",
        "action required",
        "actions required",
        "action to be taken",
    ],
    "milestone": ["milestone", "milestones", "milestone description", "key milestones", "sub-action", "sub action"],
    "planned_start": ["planned start date", "planned start", "start date", "start", "from", "date started"],
    "due": [
        "due date",
        "due",
        "deadline",
        "end date",
        "target date",
        "by when",
        "timescale",
        "timescales",
        "completion date",
        "target completion date",
        "when",
        "date due",
        "by",
        "target",
    ],
    "lead": [
        "milestone lead",
        "milestone owner",
        "by whom",
        "lead",
        "leads",
        "lead officer",
        "lead officers",
        "responsible officer",
        "owner",
        "responsible",
        "responsibility",
        "who",
        "lead person",
        "accountable officer",
        "lead agency/officer",
    ],
    "action_lead": ["action lead", "action owner"],
    "lead_email": ["lead email", "email", "e-mail", "milestone lead email"],
    "agency": ["agency", "organisation", "organization", "partner agency"],
    "outcome": [
        "outcome",
        "outcomes",
        "expected outcome",
        "expected outcomes",
        "success measure",
        "success measures",
        "success criteria",
        "measure of success",
        "evidence of impact",
        "impact",
        "intended outcome",
    ],
    "note": [
        "progress",
        "progress note",
        "progress notes",
        "progress update",
        "update",
        "updates",
        "commentary",
        "comments",
        "comment",
        "position statement",
        "current position",
        "progress to date",
        "note",
        "notes",
    ],
    "status": ["status", "rag", "r/a/g", "rag status", "rag rating", "brag", "b/r/a/g", "rating", "progress rating"],
    "source": [
        "source",
        "sources",
        "source reference",
        "ofsted para no",
        "ofsted para",
        "ofsted paragraph",
        "ofsted ref",
        "inspection ref",
        "inspection reference",
        "para no",
        "para",
        "paragraph",
    ],
}
WORDS = sorted(((word, f) for f, words in SYNONYMS.items() for word in words), key=lambda p: -len(p[0]))

# Sheets that are not the plan, by name.
EXTRA_SHEETS = {
    "versions": ["version control", "version history", "versions", "document control", "change log", "revisions"],
    "approvals": ["approval history", "approvals", "approval", "sign off", "sign-off"],
    "glossary": ["abbreviations", "glossary", "acronyms", "abbreviations and acronyms", "terms"],
    "sources": ["sources", "references", "source documents"],
}
# A row below the table that starts a key or notes: the table ends there.
TRAILER = re.compile(
    r"^\s*(key|rag key|status key|notes?|note:|source:|sources:|\*|(?:red|amber|green|blue)\s*[=:-]|[rgab]\s*=)", re.I
)


def clean_heading(value):
    text = normalise(value).rstrip("?.").strip()
    text = re.sub(r"\(s\)", "s", text)
    return re.sub(r"\s*\([^)]*\)\s*$", "", text).strip() or text


def field_for_heading(heading):
    """-> (field, how) from the heading's words, or (None, "")."""
    key = clean_heading(heading)
    if not key:
        return None, ""
    for word, name in WORDS:
        if key == word:
            return name, "heading"
    for word, name in WORDS:
        if len(word) > 3 and re.search(rf"(?<![a-z]){re.escape(word)}(?![a-z])", key):
            return name, "heading"
    return None, ""


@dataclass
class Column:
    position: int
    heading: str
    field: str  # one of FIELDS, or "" (not imported)
    how: str = ""  # "heading", "values", "saved", "chosen", "" (nothing matched)
    sample: str = ""

    @property
    def letter(self):
        number, letters = self.position + 1, ""
        while number:
            number, rest = divmod(number - 1, 26)
            letters = chr(65 + rest) + letters
        return letters


@dataclass
class Table:
    sheet: str
    header_number: int  # the heading row's number in the sheet (1-based)
    header: list
    body: list  # [(row number, cells)]
    title_rows: list = field(default_factory=list)  # text above the heading row
    skipped: list = field(default_factory=list)  # [(row number, first text)] below the table, not imported
    extras: dict = field(default_factory=dict)  # kind -> (sheet title, rows)
    other_sheets: list = field(default_factory=list)  # sheet titles read as nothing
    sheets: dict = field(default_factory=dict)  # every sheet: title -> rows
    # (row number, column position) -> "Red", "Amber", "Green" or "Blue": the plan sheet's cells whose
    # fill colour is a RAG rating (.xlsx only; many councils colour the status cell and write nothing).
    fills: dict = field(default_factory=dict)


def _sheet_kind(title):
    key = normalise(title)
    for kind, names in EXTRA_SHEETS.items():
        if key in names or any(name in key for name in names if len(name) > 6):
            return kind
    return None


def _header_score(row):
    fields = set()
    for value in row:
        if isinstance(value, str) and len(value) <= 60:
            found, _ = field_for_heading(value)
            if found:
                fields.add(found)
    if not fields & {"action", "milestone", "theme"}:
        return 0
    return len(fields)


def _find_header(rows):
    best, best_index = 0, None
    for index, row in enumerate(rows[:30]):
        score = _header_score(row)
        if score > best:
            best, best_index = score, index
    return (best_index, best) if best >= 2 else (None, 0)


def _text(cells):
    return " ".join(str(c) for c in cells if c not in (None, "")).strip()


def read_sheets(filename, content):
    lower = filename.lower()
    if lower.endswith(".xlsx"):
        return read_workbook(content)
    if lower.endswith(".csv"):
        return {"CSV": read_csv(content)}
    raise ImportRefused([Problem(0, "File", "choose an .xlsx or .csv file.")])


def _theme_colours(workbook):
    """The workbook theme's colours in the order fills index them (lt1, dk1, lt2, dk2, accent1-6...)."""
    # The theme is the uploader's XML: read with defusedxml (no entity expansion, no external entities).
    from defusedxml import DefusedXmlException, ElementTree

    raw = getattr(workbook, "loaded_theme", None)
    if not raw:
        return []
    try:
        root = ElementTree.fromstring(raw)
    except (ElementTree.ParseError, DefusedXmlException):
        return []
    names = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
    scheme = root.find(f".//{names}clrScheme")
    if scheme is None:
        return []
    found = {}
    for child in scheme:
        colour = child.find(f"{names}srgbClr")
        system = child.find(f"{names}sysClr")
        value = colour.get("val") if colour is not None else system.get("lastClr") if system is not None else None
        found[child.tag.replace(names, "")] = value
    order = ["lt1", "dk1", "lt2", "dk2", "accent1", "accent2", "accent3", "accent4", "accent5", "accent6"]
    return [found.get(name) for name in order + ["hlink", "folHlink"]]


def _tinted(rgb, tint):
    """Excel's tint (-1..1) applied to a theme colour: darker below 0, lighter above."""
    import colorsys

    if not tint:
        return rgb
    red, green, blue = (int(rgb[i : i + 2], 16) / 255 for i in (0, 2, 4))
    hue, lightness, saturation = colorsys.rgb_to_hls(red, green, blue)
    lightness = lightness * (1 + tint) if tint < 0 else lightness * (1 - tint) + tint
    return "".join(f"{round(c * 255):02X}" for c in colorsys.hls_to_rgb(hue, lightness, saturation))


def _fill_rgb(fill, theme):
    """The colour a solid fill shows, as RRGGBB, from an rgb, theme or indexed colour (or None)."""
    from openpyxl.styles.colors import COLOR_INDEX

    if fill is None or getattr(fill, "fill_type", None) != "solid":
        return None
    colour = fill.fgColor
    kind = getattr(colour, "type", None)
    if kind == "rgb" and isinstance(colour.rgb, str):
        return colour.rgb[-6:]
    if kind == "theme" and isinstance(colour.theme, int) and colour.theme < len(theme) and theme[colour.theme]:
        return _tinted(theme[colour.theme], colour.tint or 0)
    if kind == "indexed" and isinstance(colour.indexed, int) and colour.indexed < len(COLOR_INDEX):
        return COLOR_INDEX[colour.indexed][-6:]
    return None


def read_fills(content, title, max_columns=60):
    """{(row number, column position): RAG colour} for one sheet of an .xlsx: the cells filled with a
    red, amber, green or blue. Read after read_workbook has checked the file's size and shape; a fill
    that cannot be read is no rating, never a failure (the text of the sheet is what matters most)."""
    import io

    from openpyxl import load_workbook

    fills = {}
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        if title not in workbook.sheetnames:
            return fills
        theme, by_style = _theme_colours(workbook), {}
        for row in workbook[title].iter_rows(max_col=max_columns):
            for position, item in enumerate(row):
                style = getattr(item, "_style_id", 0)
                if not style:
                    continue
                if style not in by_style:  # a sheet has a few styles and many cells: classify each style once
                    by_style[style] = values.rag_for_colour(_fill_rgb(item.fill, theme))
                if by_style[style]:
                    fills[(item.row, position)] = by_style[style]
        workbook.close()
    except Exception:  # noqa: BLE001 -- a damaged style part costs the colours, not the import
        return {}
    return fills


def locate(sheets, sheet=None) -> Table:
    """The sheet holding the plan, its heading row and the rows of its table."""
    candidates = []
    for title, rows in sheets.items():
        if sheet and normalise(title) != normalise(sheet):
            continue
        index, score = _find_header(rows)
        if index is not None:
            # A sheet named like version control or glossary is the plan only if nothing else is.
            candidates.append((score - (10 if _sheet_kind(title) else 0), -len(candidates), title, index))
    if not candidates:
        where = f"the sheet '{sheet}'" if sheet else "any sheet"
        if sheet and not any(normalise(t) == normalise(sheet) for t in sheets):
            raise ImportRefused(
                [Problem(0, "Sheet", f"there is no sheet called '{sheet}' (the sheets are: {', '.join(sheets)}).")]
            )
        raise ImportRefused(
            [
                Problem(
                    0,
                    "Header",
                    f"no heading row naming an action, milestone or objective column was found in the first 30 "
                    f"rows of {where}.",
                )
            ]
        )
    _, _, title, index = max(candidates)
    rows = sheets[title]
    header = list(rows[index])
    body, skipped, blanks = [], [], 0
    for number, row in enumerate(rows[index + 1 :], start=index + 2):
        text = _text(row)
        if not text:
            blanks += 1
            continue
        filled = sum(1 for c in row if c not in (None, ""))
        # A key with no heading of its own: after a gap, a row saying only a status ("Off track"), its
        # colour in the cell beside it.
        key_row = blanks and filled <= 2 and values.match_status(text)
        ended = skipped or (body and (TRAILER.match(text) and filled <= 2 or blanks >= 3 or key_row))
        if ended:
            skipped.append((number, text[:80]))
        else:
            body.append((number, list(row)))
        blanks = 0
    table = Table(
        sheet=title,
        header_number=index + 1,
        header=header,
        body=body,
        title_rows=[_text(r) for r in rows[:index] if _text(r)],
        skipped=skipped,
        sheets=sheets,
    )
    for other, other_rows in sheets.items():
        if other == title:
            continue
        kind = _sheet_kind(other)
        if kind and kind not in table.extras:
            table.extras[kind] = (other, other_rows)
        elif other_rows and any(_text(r) for r in other_rows):
            table.other_sheets.append(other)
    return table


# --- reading a column's values --------------------------------------------------------------

REF_VALUE = re.compile(r"^\s*\d+(?:\.\d+)*[a-z]?\.?\s*$", re.I)


def _value_field(cells):
    """What a column's values look like: a field name, or None."""
    cells = [c for c in cells if c not in (None, "") and str(c).strip()]
    if len(cells) < 2:
        return None
    n = len(cells)

    def share(test):
        return sum(1 for c in cells if test(c)) / n

    if share(lambda c: isinstance(c, str) and values.EMAIL.fullmatch(c.strip())) > 0.6:
        return "lead_email"
    if share(lambda c: isinstance(c, str) and values.match_status(c) and len(c) <= 25) > 0.7:
        return "status"
    if share(lambda c: isinstance(c, (int, float)) and not isinstance(c, bool) or REF_VALUE.match(str(c))) > 0.8:
        return "ref"

    def dated(c):
        try:
            found = values.parse_timescale(c, end_of_month=True)
        except ValueError:
            return False
        return len(str(c)) <= 30 and (found.date is not None or bool(found.words))

    if share(lambda c: not isinstance(c, (int, float)) and dated(c)) > 0.7:
        return "due"
    if share(lambda c: isinstance(c, str) and values.months_in(c)) > 0.5:
        return "note"
    return None


def propose_mapping(table, saved=None, chosen=None):
    """Each column's field: chosen in the preview, else saved with the plan, else from its heading,
    else from its values. -> [Column]. A field is given to one column only (the first)."""
    saved, chosen = saved or {}, chosen or {}
    columns, taken = [], set()
    width = max([len(table.header)] + [len(cells) for _, cells in table.body[:200]])
    for position in range(width):
        heading = table.header[position] if position < len(table.header) else None
        heading = "" if heading is None else str(heading).strip()
        key = clean_heading(heading) or f"column {position + 1}"
        column_cells = [cells[position] if position < len(cells) else None for _, cells in table.body[:200]]
        sample = next((str(c)[:60] for c in column_cells if c not in (None, "")), "")
        if not heading and not sample:
            continue
        if key in chosen:
            name, how = chosen[key], "chosen"
        elif key in saved:
            name, how = saved[key], "saved"
        else:
            name, how = field_for_heading(heading)
            if name is None or name in taken:
                by_values = _value_field(column_cells)
                if by_values and by_values not in taken:
                    name, how = by_values, "values"
                elif name in taken:
                    name, how = None, ""
        if name not in FIELDS:
            name = NOT_IMPORTED
        if name and name in taken and how not in ("chosen", "saved"):
            name, how = NOT_IMPORTED, ""
        if name:
            taken.add(name)
        columns.append(Column(position, heading or f"(column {Column(position, '', '').letter})", name, how, sample))
    # Two date columns under date-ish headings: the first is the start ("From ... To").
    due = [c for c in columns if c.field == "due"]
    if len(due) == 1 and due[0].how == "values":
        earlier = [
            c
            for c in columns
            if c.position < due[0].position and c.field == NOT_IMPORTED and _value_field(_cells(table, c)) == "due"
        ]
        if earlier and "planned_start" not in taken:
            earlier[-1].field, earlier[-1].how = "planned_start", "values"
    return columns


def _cells(table, column):
    return [cells[column.position] if column.position < len(cells) else None for _, cells in table.body[:200]]


def mapping_key(column):
    return clean_heading(column.heading) or f"column {column.position + 1}"


def mapping_dict(columns):
    """{heading: field} as saved with the plan and shown in the preview."""
    return {mapping_key(c): c.field for c in columns}


def columns_json(columns):
    return [{**asdict(c), "letter": c.letter, "key": mapping_key(c)} for c in columns]
