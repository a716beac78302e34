"""Cell values as councils write them in their plans: dates and timescales, statuses (words, RAG
letters, colours), progress cells holding several dated entries, and lead cells.

Pure functions, no database: each takes the cell's value and returns what it means, or raises
ValueError with a sentence saying how to write it.
"""

import datetime
import re
from dataclasses import dataclass, field

from plans.importing import normalise
from safeguarding import dates

from .status import Status

# --- dates and timescales -------------------------------------------------------------------

DATE_FORMATS = ("%d %b %Y", "%d %B %Y", "%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d", "%d-%b-%Y", "%d-%b-%y", "%d.%m.%Y")
# Timescales that are not a date: the milestone has no due date and the words are kept.
NO_DATE_WORDS = (
    "ongoing",
    "on going",
    "on-going",
    "continuous",
    "continuing",
    "throughout",
    "tbc",
    "tba",
    "to be confirmed",
    "to be agreed",
    "n/a",
    "na",
    "monthly",
    "quarterly",
    "annually",
    "annual",
    "as required",
    "as needed",
    "regularly",
)
DONE_WORDS = ("complete", "completed", "done", "achieved", "in place", "implemented")
ORDINAL = re.compile(r"\b(\d{1,2})(st|nd|rd|th)\b", re.I)
MONTH_WORD = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
FINANCIAL_YEAR = re.compile(r"\b(?:fy\s*)?((?:19|20)\d\d)\s*[/-]\s*(\d\d|(?:19|20)\d\d)\b", re.I)
QUARTER = re.compile(r"\bq([1-4])\s*(?:of\s*)?((?:19|20)\d\d)(?:\s*[/-]\s*(\d\d|(?:19|20)\d\d))?\b", re.I)
FULL_DATE = re.compile(
    rf"\b\d{{1,2}}[/.]\d{{1,2}}[/.]\d{{2,4}}\b|\b\d{{1,2}}[\s-]+{MONTH_WORD}[\s-]+\d{{2,4}}\b|\b\d{{4}}-\d\d-\d\d\b",
    re.I,
)
MONTH_YEAR = re.compile(rf"\b{MONTH_WORD}[\s\-/']+(?:\d{{4}}|\d\d)\b", re.I)
FILLER = re.compile(r"^(?:by|before|from|due|in|on|at|the|end|of|end of|w/c|week commencing|[\s,.-])*$", re.I)


@dataclass
class Timescale:
    date: datetime.date | None
    words: str = ""  # the cell's text, kept when it says more than the date
    achieved: bool = False  # "Complete" in the timescale column


def _financial_year_end(first, second):
    start = int(first)
    end = int(second) if len(second) == 4 else (start // 100) * 100 + int(second)
    if end != start + 1:
        return None
    return datetime.date(end, 3, 31)


def _quarter_end(quarter, year, second):
    quarter, year = int(quarter), int(year)
    if second:  # a financial year: Q1 is April to June ... Q4 is January to March
        if _financial_year_end(str(year), second) is None:
            return None
        month = {1: 6, 2: 9, 3: 12, 4: 3}[quarter]
        return dates.month_end(datetime.date(year + 1 if quarter == 4 else year, month, 1))
    return dates.month_end(datetime.date(year, quarter * 3, 1))


def _exact_date(text):
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            pass
    return None


def _month(text):
    return dates.parse_month(re.sub(r"[.']", " ", text).replace("  ", " ").strip())


def find_date(text, *, end_of_month):
    """The first date, month, quarter or financial year in a text -> (date, span) or (None, None)."""
    found = []
    for match in QUARTER.finditer(text):
        day = _quarter_end(*match.groups())
        if day:
            found.append((match.start(), match.end(), day))
    for match in FINANCIAL_YEAR.finditer(text):
        if any(s <= match.start() < e for s, e, _ in found):
            continue
        day = _financial_year_end(*match.groups())
        if day:
            found.append((match.start(), match.end(), day))
    for match in FULL_DATE.finditer(text):
        day = _exact_date(re.sub(r"[\s-]+", " ", match.group(0)).replace(".", "/").replace(" ", " "))
        if day is None:
            day = _exact_date(match.group(0))
        if day is None:
            words = re.sub(r"[\s-]+", " ", match.group(0)).split(" ")
            if len(words) == 3:
                month = _month(f"{words[1]} {words[2]}")
                day = month.replace(day=int(words[0])) if month and 1 <= int(words[0]) <= 28 else None
        if day:
            found.append((match.start(), match.end(), day))
    for match in MONTH_YEAR.finditer(text):
        if any(s <= match.start() < e for s, e, _ in found):
            continue
        month = _month(match.group(0))
        if month:
            found.append((match.start(), match.end(), dates.month_end(month) if end_of_month else month))
    if not found:
        return None, None
    start, end, day = min(found)
    return day, (start, end)


def parse_timescale(value, *, end_of_month) -> Timescale:
    """A date or timescale cell: Excel dates; '31 Oct 2009', '31/10/09'; months ('March 2015',
    'Sept 11': the first day for a start, the last for a due date); financial years ('2016/17') and
    quarters ('Q3 2011/12'): their last day; 'Ongoing' and the like: no date, the words kept;
    'Complete': no date, achieved; 'To be reported on Aug 2011': that month, the words kept."""
    if value in (None, ""):
        return Timescale(None)
    if isinstance(value, datetime.datetime):
        return Timescale(value.date())
    if isinstance(value, datetime.date):
        return Timescale(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 20000 < value < 80000:  # an Excel serial number in a CSV
            return Timescale(datetime.date(1899, 12, 30) + datetime.timedelta(days=int(value)))
        if 1990 <= value <= 2100 and end_of_month:  # a bare year: its end
            return Timescale(datetime.date(int(value), 12, 31), str(int(value)))
    text = re.sub(r"\s+", " ", str(value)).strip().rstrip(".")
    key = normalise(text)
    if not key:
        return Timescale(None)
    if key in NO_DATE_WORDS or key.split(" ")[0] in ("ongoing", "on-going", "continuous"):
        return Timescale(None, text)
    if key in DONE_WORDS:
        return Timescale(None, text, achieved=True)
    plain = ORDINAL.sub(r"\1", text)
    exact = _exact_date(plain)
    if exact:
        return Timescale(exact)
    month = _month(plain)
    if month:
        return Timescale(dates.month_end(month) if end_of_month else month)
    day, span = find_date(plain, end_of_month=end_of_month)
    if day:
        rest = (plain[: span[0]] + " " + plain[span[1] :]).strip()
        return Timescale(day, "" if FILLER.match(rest) else text)
    if not re.search(r"\d", text) and key.startswith(
        NO_DATE_WORDS + ("to be ", "when ", "as and when", "in line with")
    ):
        return Timescale(None, text)
    raise ValueError(
        f"'{text[:60]}' is not a date: write it like 31 Oct 2009, 31/10/2009 or Oct 2009 "
        "(or a financial year, 2011/12)."
    )


def parse_date(value, *, end_of_month):
    """A date only (the strict reading the planned start column and older callers use)."""
    found = parse_timescale(value, end_of_month=end_of_month)
    if found.date is None and found.words and not found.achieved and normalise(found.words) not in NO_DATE_WORDS:
        raise ValueError(f"'{found.words[:60]}' is not a date: write it like 31 Oct 2009, 31/10/2009 or Oct 2009.")
    return found.date


# --- statuses -------------------------------------------------------------------------------

STATUS_WORDS = {
    Status.ACHIEVED: [
        "achieved",
        "achieve",
        "complete",
        "completed",
        "done",
        "met",
        "green - achieved",
        "closed",
        "delivered",
    ],
    Status.ON_TRACK: ["on track", "ontrack", "in progress", "on-track", "ongoing", "on going", "started"],
    Status.AT_RISK: ["at risk", "at-risk", "some slippage", "slipping"],
    Status.NOT_ON_TRACK: [
        "not on track",
        "not achieved",
        "off track",
        "behind",
        "delayed",
        "slipped",
        "not met",
        "overdue",
    ],
    Status.NOT_STARTED: ["not started", "not yet started", "to start", "not due"],
}
# RAG ratings, as letters, words or coloured symbols. Blue (done), Green (on track), Amber (at risk)
# and Red (not on track) are four statuses. A mixed rating takes its worse colour ("Amber/Green" is
# Amber, "Red/Amber" is Red): a warning written in the sheet is never imported as on track.
RAG = {
    "b": "Blue",
    "blue": "Blue",
    "🔵": "Blue",
    "g": "Green",
    "green": "Green",
    "🟢": "Green",
    "a": "Amber",
    "amber": "Amber",
    "🟡": "Amber",
    "🟠": "Amber",
    "yellow": "Amber",
    "a/g": "Amber",
    "g/a": "Amber",
    "amber/green": "Amber",
    "green/amber": "Amber",
    "r": "Red",
    "red": "Red",
    "🔴": "Red",
    "r/a": "Red",
    "a/r": "Red",
    "red/amber": "Red",
    "amber/red": "Red",
}
RAG_STATUS = {"Blue": Status.ACHIEVED, "Green": Status.ON_TRACK, "Amber": Status.AT_RISK, "Red": Status.NOT_ON_TRACK}
PHRASES = sorted(
    ((phrase, status) for status, words in STATUS_WORDS.items() for phrase in words), key=lambda p: -len(p[0])
)
RAG_PHRASES = sorted(RAG.items(), key=lambda p: -len(p[0]))


@dataclass
class StatusReading:
    status: str
    rag: str = ""  # "Amber", "Red"... when written as a RAG rating (or shown by the cell's colour)
    said: bool = True  # False: no status word anywhere (imported as not started, flagged)
    word: str = ""  # the rating as written, when it is not plainly one colour ("A/G", "Amber/Green")
    fill: bool = False  # read from the cell's fill colour, the cell having no text


def _starts_with(key, phrase):
    return key == phrase or (key.startswith(phrase) and not key[len(phrase) : len(phrase) + 1].isalpha())


def _scheme_reading(key, scheme):
    """A label of the plan's own scheme at the start of the text ("Slipping - venue not found")."""
    if scheme is None:
        return None
    for entry in sorted(scheme.statuses, key=lambda e: -len(e.label)):
        label = normalise(entry.label)
        if label and _starts_with(key, label):
            return StatusReading(entry.status, word=entry.label)
    return None


def match_status(text, scheme=None):
    """A status word at the start of a text -> StatusReading, or None. `scheme`: the plan's status
    scheme, whose own labels are read first (a plan calling on track "Progressing")."""
    key = normalise(text).strip(" .-–:")
    if not key:
        return None
    found = _scheme_reading(key, scheme) if scheme is not None and scheme.kind == "custom" else None
    if found:
        return found
    for phrase, rag in RAG_PHRASES:
        if len(phrase) > 1 and _starts_with(key, phrase) or key == phrase:
            mixed = "/" in phrase or phrase == "yellow"
            return StatusReading(RAG_STATUS[rag], rag, word=phrase.title() if mixed else "")
    for phrase, status in PHRASES:
        if _starts_with(key, phrase):
            return StatusReading(status)
    return None


# Said anywhere in a note ("Team recruited, on track."), not only at its start. Not "at risk": in a
# safeguarding plan that is mostly about children ("children at risk of exploitation"), not the work.
ANYWHERE = re.compile(
    r"\b(not on track|off track|on track|not achieved|achieved|completed|complete|delayed|slipped|"
    r"not started|in progress|overdue)\b",
    re.I,
)


def status_in(text, scheme=None):
    """A status word at the start of a note, else the first one said anywhere in it."""
    found = match_status(text, scheme)
    if found:
        return found
    match = ANYWHERE.search(text or "")
    return match_status(match.group(1)) if match else None


def looks_like_status(value):
    return match_status(str(value or "")) is not None


def parse_status(word, note="", scheme=None):
    """The status column's word, letter or colour; when blank, the note's first words
    ("Oct 2009 - On track. …"); no status anywhere -> Not started, flagged (said=False)."""
    word = str(word or "").strip()
    if word:
        found = match_status(word, scheme)
        if found is None:
            ways = "a RAG rating (Blue, Green, Amber, Red)"
            if scheme is not None and scheme.kind == "custom":
                ways += f", or one of this plan's own ({', '.join(e.label for e in scheme.statuses)})"
            else:
                ways = "or " + ways
            raise ValueError(
                f"'{word[:40]}' is not a status: use Achieved, On track, At risk, Not on track, Not started, {ways}."
            )
        return found
    if normalise(note):
        found = status_in(note, scheme)
        if found:
            return found
        return StatusReading(Status.NOT_STARTED, said=False)
    return StatusReading(Status.NOT_STARTED)


# --- fill colours ---------------------------------------------------------------------------


def rag_for_colour(rgb):
    """A cell's fill colour ("FFC000", "FF00B050") -> "Red", "Amber", "Green", "Blue", or "" for a
    colour that is no RAG rating (white, greys, black, purples, the pale tints used for banding)."""
    import colorsys

    text = str(rgb or "").strip().lstrip("#")
    if len(text) == 8:
        text = text[2:]  # ARGB: the alpha byte is ignored (Excel writes FF or 00 for solid fills)
    if not re.fullmatch(r"[0-9A-Fa-f]{6}", text):
        return ""
    red, green, blue = (int(text[i : i + 2], 16) / 255 for i in (0, 2, 4))
    hue, lightness, saturation = colorsys.rgb_to_hls(red, green, blue)
    # Greys and near-white or near-black fills say nothing; Excel's pale "Bad" pink (FFC7CE) is kept.
    if saturation < 0.3 or not 0.12 <= lightness < 0.9:
        return ""
    degrees = hue * 360
    if degrees < 15 or degrees >= 335:
        return "Red"
    if degrees < 66:  # orange, gold and yellow: councils draw Amber in all three
        return "Amber"
    if degrees < 170:
        return "Green"
    if 180 <= degrees < 255:
        return "Blue"
    return ""


def fill_status(rag):
    """The reading of a status shown only by its cell's colour."""
    return StatusReading(RAG_STATUS[rag], rag, fill=True) if rag else None


# --- progress cells: one or several dated entries -------------------------------------------

DATE_MARK = re.compile(
    r"(?:^|(?<=\n)|(?<=[.!?;)]\s)|(?<=[.!?;)]\s\s)|(?<=[.!?;)]))\s*"
    r"(?P<date>\d{1,2}[/.]\d{1,2}[/.]\d{2,4}|\d{1,2}(?:st|nd|rd|th)?\s[A-Za-z]{3,9}\.?,?\s\d{2,4}"
    r"|[A-Za-z]{3,9}\.?\s\d{4}|[A-Za-z]{3}-\d{2}|\d{4}-\d\d)"
    r"\s*(?:[-–—:]|\s-\s)\s*"
)


def _mark_month(text):
    text = text.strip()
    day = _exact_date(ORDINAL.sub(r"\1", text).replace(",", ""))
    if day:
        return day.replace(day=1)
    return _month(text)


@dataclass
class NoteEntry:
    month: datetime.date | None
    text: str  # as written, its date included


def split_entries(note):
    """A progress cell -> its entries in month order. "12/05/11 – … 03/06/11 – …" is two entries;
    text before the first date, or a cell with no date, is one undated entry."""
    note = (note or "").strip()
    if not note:
        return []
    marks = [m for m in DATE_MARK.finditer(note) if _mark_month(m.group("date"))]
    if not marks:
        return [NoteEntry(None, note)]
    entries = []
    if note[: marks[0].start()].strip():
        entries.append(NoteEntry(None, note[: marks[0].start()].strip()))
    for index, mark in enumerate(marks):
        end = marks[index + 1].start() if index + 1 < len(marks) else len(note)
        entries.append(NoteEntry(_mark_month(mark.group("date")), note[mark.start() : end].strip()))
    dated = sorted((e for e in entries if e.month), key=lambda e: e.month)  # stable: same month keeps order
    return [e for e in entries if not e.month] + dated


def entry_words(entry):
    """An entry's text after its date: where its status word sits."""
    match = DATE_MARK.match(entry.text)
    return entry.text[match.end() :] if match else entry.text


def months_in(text):
    return [m for m in (_mark_month(x.group("date")) for x in DATE_MARK.finditer(text or "")) if m]


AS_AT = re.compile(r"\bas\s+at\s*:?\s*(?:\d{1,2}(?:st|nd|rd|th)?\s+)?([A-Za-z]{3,9}\.?[\s-]+\d{2,4})", re.I)


def as_at_in(text):
    """'(as at August 2011)' in a title -> the first of that month."""
    match = AS_AT.search(str(text or ""))
    return _month(match.group(1)) if match else None


# --- lead cells -----------------------------------------------------------------------------

EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
TITLE_DASH = re.compile(r"\s+[-–—]\s+|\s*[–—]\s*")
MAX_SUPPORTING_LEADS = 5
JOINED = re.compile(r"\s+(?:&|and|\+)\s+")
NAME_THEN_TITLE = re.compile(r"^[A-Z][\w'.-]+(?: [A-Z][\w'.-]+){1,3}\s*[-–—]\s+\S")
SEVERAL = re.compile(r"\s*(?:\n|;|\s&\s|\s\+\s|\sand\s|\s/\s)\s*", re.I)


@dataclass
class Lead:
    name: str
    job_title: str = ""
    email: str = ""
    second: str = ""  # any other leads named in the same cell, in words
    others: list = field(default_factory=list)  # ... as Leads: they become the milestone's supporting leads


def _one_lead(text):
    email_match = EMAIL.search(text)
    email = email_match.group(0).rstrip(".") if email_match else ""
    rest = EMAIL.sub("", text)
    rest = re.sub(r"[()<>\[\]]", " ", rest)
    rest = re.sub(r"\s+", " ", rest).strip(" ,;:-–—")
    name, title = rest, ""
    parts = TITLE_DASH.split(rest, maxsplit=1)
    if len(parts) == 2 and parts[0].strip() and parts[1].strip():
        name, title = parts[0].strip(" ,"), parts[1].strip(" ,")
    elif "," in rest:
        head, _, tail = rest.partition(",")
        if 1 <= len(head.split()) <= 4 and tail.strip():
            name, title = head.strip(), tail.strip()
    if not name and email:
        local = email.split("@")[0]
        name = " ".join(part.capitalize() for part in re.split(r"[._-]+", local) if part)
    return Lead(name, title, email)


def parse_lead(value):
    """'Jane Smith – Head of Service', 'jane.smith@council.gov.uk', 'Jane Smith & Tom Jones',
    two lines, or a team or board ('HSCB') -> Lead (the first named; any other in `second`)."""
    text = str(value or "").strip()
    if not text:
        return Lead("")
    chunks = [c for c in re.split(r"\s*(?:\n|;)\s*", text) if c.strip()]
    if len(chunks) == 1 and not TITLE_DASH.search(text):
        chunks = [c for c in SEVERAL.split(text) if c.strip()]
    elif len(chunks) == 1:
        # "Debbie Haith – Deputy Director & Sarah Parker – Head of Commissioning": split at "&" only where
        # each part reads "Name – title", so "Head of Health & Social Care – Jo Bloggs" stays one lead.
        parts = [p for p in JOINED.split(text) if p.strip()]
        if len(parts) > 1 and all(NAME_THEN_TITLE.match(p) for p in parts):
            chunks = parts
    lead = _one_lead(chunks[0])
    if len(chunks) > 1:
        # A few supporting leads per milestone; a cell naming dozens is a mapped wrong column, not leads.
        lead.others = [other for other in (_one_lead(c) for c in chunks[1:]) if other.name][:MAX_SUPPORTING_LEADS]
        lead.second = ", ".join(_one_lead(c).name or c for c in chunks[1:])
    return lead
