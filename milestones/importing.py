"""Import a plan from the milestone-report spreadsheet its users already keep (.xlsx or .csv).

Read first, write second: every row is parsed and checked, and every problem is
listed with its row and column; only a file with no problems is written, in one
transaction, so an import succeeds whole or changes nothing. A dry run does the
whole write and rolls it back, so its summary is exactly what the import would do.
Re-importing the same file changes nothing: actions match by ref, milestones by
action and description, progress notes by month, status and text.
"""

import datetime
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from plans.importing import ImportRefused, Problem, normalise, read_csv, read_workbook
from plans.models import Action, LockedMonth, Person, Plan, Theme
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

from .models import Milestone, ProgressUpdate
from .services import progress_update_record
from .status import Status

# Header words as people write them -> our column names.
COLUMNS = {
    "ref": ["ref", "action ref", "ref no", "reference", "no", "number"],
    "action": ["action", "actions", "action title"],
    "action_lead": ["action lead", "action owner", "lead officer"],
    "milestone": ["milestones", "milestone", "milestone description"],
    "planned_start": ["planned start date", "planned start", "start date", "start"],
    "due": ["due date", "due", "deadline", "end date", "target date"],
    "status": ["status", "rag", "rag status"],
    "note": ["progress note", "progress notes", "progress", "note", "notes", "update"],
    "lead": ["milestone lead", "milestone owner"],
    "theme": ["theme", "priority objective", "priority", "area for improvement"],
    "outcome": ["outcome", "expected outcome"],
    "source": ["source", "sources", "source reference"],
    "lead_email": ["lead email", "email", "milestone lead email"],
    "agency": ["agency", "organisation", "organization"],
}
REQUIRED = ["action", "milestone", "due"]
LABELS = {
    "ref": "Ref",
    "action": "Action",
    "action_lead": "Action Lead",
    "milestone": "Milestones",
    "planned_start": "Planned Start Date",
    "due": "Due Date",
    "status": "Status",
    "note": "Progress Note",
    "lead": "Milestone Lead",
    "theme": "Theme",
    "outcome": "Outcome",
    "source": "Source",
    "lead_email": "Lead Email",
    "agency": "Agency",
}
SAME_AS_ABOVE = {"as above", "ditto", '"', "''", "same", "as before"}
STATUS_WORDS = {
    Status.ACHIEVED: ["achieved", "achieve", "complete", "completed", "done", "met", "green - achieved"],
    Status.ON_TRACK: ["on track", "ontrack", "in progress", "on-track", "amber", "green"],
    Status.NOT_ON_TRACK: [
        "not on track",
        "not achieved",
        "off track",
        "behind",
        "delayed",
        "slipped",
        "red",
        "not met",
    ],
    Status.NOT_STARTED: ["not started", "not yet started", "to start"],
}
NOTE_MONTH = re.compile(r"^\s*([A-Za-z]{3,9}\.?\s*\d{4}|[A-Za-z]{3}-\d{2})\s*[-–—:]\s*")
REF_AND_TITLE = re.compile(r"^\s*(\d+(?:\.\d+)+)\.?\s+(.+)$", re.S)


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
    notes: list = field(default_factory=list)  # things kept as they were, in words
    dry_run: bool = False

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
        )


# Reading ------------------------------------------------------------------------------------


def read_table(name, content: bytes):
    """-> (header cells, [row cells]) from .xlsx or .csv; cells are str, date or number."""
    lower = name.lower()
    if lower.endswith(".xlsx"):
        sheets = list(read_workbook(content).items())
        rows = sheets[0][1]
        extra = dict(sheets[1:])
    elif lower.endswith(".csv"):
        rows = read_csv(content)
        extra = {}
    else:
        raise ImportRefused([Problem(0, "File", "choose an .xlsx or .csv file.")])
    # The header is the first row that names a milestone column (titles may sit above it).
    for index, row in enumerate(rows[:15]):
        keys = [normalise(cell) for cell in row]
        if any(key in COLUMNS["milestone"] for key in keys):
            return index, row, rows[index + 1 :], extra
    raise ImportRefused(
        [Problem(0, "Header", "no header row with a 'Milestones' column was found in the first 15 rows.")]
    )


def map_header(header):
    mapping, problems = {}, []
    for position, cell in enumerate(header):
        key = normalise(cell)
        for column, words in COLUMNS.items():
            if key in words and column not in mapping:
                mapping[column] = position
    for column in REQUIRED:
        if column not in mapping:
            problems.append(Problem(0, "Header", f"there is no '{LABELS[column]}' column."))
    return mapping, problems


MONTHS = "%b %B".split()


def parse_date(value, *, end_of_month):
    """Excel dates and the ways people type them. A bare month means its first (start) or last (due) day."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, (int, float)) and 20000 < value < 80000:  # an Excel serial number in a CSV
        return datetime.date(1899, 12, 30) + datetime.timedelta(days=int(value))
    text = re.sub(r"\s+", " ", str(value)).strip().rstrip(".")
    for fmt in ("%d %b %Y", "%d %B %Y", "%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d", "%d-%b-%Y", "%d-%b-%y", "%d.%m.%Y"):
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            pass
    month = dates.parse_month(text)
    if month:
        return dates.month_end(month) if end_of_month else month
    raise ValueError(f"'{text}' is not a date: write it like 31 Oct 2009, 31/10/2009 or Oct 2009.")


PHRASES = sorted(
    ((phrase, status) for status, words in STATUS_WORDS.items() for phrase in words), key=lambda p: -len(p[0])
)


def _match_status(text):
    key = normalise(text)
    for phrase, status in PHRASES:
        if key == phrase or (key.startswith(phrase) and not key[len(phrase) : len(phrase) + 1].isalpha()):
            return status
    return None


def parse_status(word, note):
    """A status as the users write it; when blank, read from the progress note's words
    ("Oct 2009 - Achieved. ..."); no status and no note: Not started."""
    if normalise(word):
        status = _match_status(word)
        if status is None:
            raise ValueError(f"'{word}' is not a status: use Achieved, On track, Not on track or Not started.")
        return status
    if normalise(note):
        status = _match_status(NOTE_MONTH.sub("", note))
        if status is None:
            raise ValueError(
                "no status is given and the progress note does not say one: write Achieved, On track or Not on track."
            )
        return status
    return Status.NOT_STARTED


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


def note_month(note):
    match = NOTE_MONTH.match(note or "")
    return dates.parse_month(match.group(1).replace(".", "")) if match else None


@dataclass
class Row:
    number: int
    ref: str
    title: str
    action_lead: str
    theme: str
    milestone: str
    planned_start: object
    due: object
    status: str
    note: str
    month: object
    lead: str
    lead_email: str
    agency: str
    outcome: str
    source: str


# The longest text each column may hold: the model field's own max_length where it has one (so a
# 250-character theme is refused here, not by PostgreSQL), else the text rules of safeguarding/text.py.
TEXT_LIMITS = {
    "ref": Action._meta.get_field("ref").max_length,
    "action": DESCRIPTION_MAX_LENGTH,
    "action_lead": Person._meta.get_field("name").max_length,
    "milestone": DESCRIPTION_MAX_LENGTH,
    "status": 50,
    "note": NOTE_MAX_LENGTH,
    "lead": Person._meta.get_field("name").max_length,
    "theme": Theme._meta.get_field("name").max_length,
    "outcome": LONG_TEXT_MAX_LENGTH,
    "source": LONG_TEXT_MAX_LENGTH,
    "lead_email": Person._meta.get_field("email").max_length,
    "agency": Person._meta.get_field("agency").max_length,
}
AGENCIES = {
    **{value.lower(): value for value in Person.Agency.values},
    **{label.lower(): value for value, label in Person.Agency.choices},
}


def text_problems(number, values, labels=LABELS):
    """Control characters and over-long text in a row's cells, each named by row and column."""
    problems = []
    for column, limit in TEXT_LIMITS.items():
        value = values.get(column)
        if not isinstance(value, str):
            continue
        problem = control_character_error(value) or length_error(value, limit)
        if problem:
            problems.append(Problem(number, labels[column], problem))
    return problems


def cell(row, mapping, column):
    position = mapping.get(column)
    if position is None or position >= len(row):
        return ""
    value = row[position]
    return value if isinstance(value, (datetime.date, int, float)) else re.sub(r"[ \t]+", " ", str(value or "")).strip()


def parse_rows(header_index, header, body):
    mapping, problems = map_header(header)
    if problems:
        return [], problems
    rows, previous = [], {}
    for offset, raw in enumerate(body):
        number = header_index + offset + 2  # spreadsheet row numbers, header included
        values = {column: cell(raw, mapping, column) for column in COLUMNS}
        if not any(str(v).strip() for v in values.values()):
            continue
        if normalise(values["milestone"]) in COLUMNS["milestone"]:
            continue  # the header repeated on a later page
        refused = text_problems(number, values)
        if (
            values["agency"]
            and normalise(values["agency"]) not in AGENCIES
            and normalise(values["agency"]) not in SAME_AS_ABOVE
        ):
            refused.append(
                Problem(
                    number,
                    "Agency",
                    f"'{values['agency'][:40]}' is not an agency: use one of {', '.join(Person.Agency.values)}.",
                )
            )
        if refused:
            problems += refused
            continue
        for column in ("action_lead", "lead", "theme", "agency"):
            if normalise(values[column]) in SAME_AS_ABOVE:
                values[column] = previous.get(column, "")
        # An action's ref and title sit on its first row; its milestones follow below.
        action_text = str(values["action"]).strip()
        ref = str(values["ref"]).strip()
        if action_text and not ref:
            match = REF_AND_TITLE.match(action_text)
            if match:
                ref, action_text = match.group(1), match.group(2).strip()
            problem = length_error(ref, TEXT_LIMITS["ref"])
            if problem:
                problems.append(Problem(number, "Ref", problem))
                continue
        if ref or action_text:
            if not ref:
                problems.append(
                    Problem(
                        number,
                        "Action",
                        f"'{action_text[:60]}' has no ref (write it as '1.01 Title' or use a Ref column).",
                    )
                )
                continue
            previous.update(
                ref=ref,
                title=action_text,
                action_lead=values["action_lead"],
                theme=values["theme"],
                outcome=values["outcome"],
                source=values["source"],
            )
        elif "ref" not in previous:
            problems.append(Problem(number, "Action", "this milestone comes before any action."))
            continue
        for column in ("action_lead", "theme"):
            if not values[column]:
                values[column] = previous.get(column, "")
        if not values["milestone"]:
            problems.append(Problem(number, "Milestones", "empty: every row needs a milestone description."))
            continue
        try:
            planned = parse_date(values["planned_start"], end_of_month=False)
        except ValueError as error:
            problems.append(Problem(number, "Planned Start Date", str(error)))
            planned = None
        try:
            due = parse_date(values["due"], end_of_month=True)
        except ValueError as error:
            problems.append(Problem(number, "Due Date", str(error)))
            due = None
        for label, value in (("Planned Start Date", planned), ("Due Date", due)):
            problem = date_range_error(value)
            if problem:
                problems.append(Problem(number, label, problem))
        if planned and due and due < planned:
            problems.append(
                Problem(number, "Due Date", f"{due:%d %b %Y} is before the planned start date {planned:%d %b %Y}.")
            )
        note = str(values["note"]).strip()
        try:
            status = parse_status(str(values["status"]), note)
        except ValueError as error:
            problems.append(Problem(number, "Status", str(error)))
            status = Status.NOT_STARTED
        month = note_month(note)
        if note and not month:
            month = dates.current_month()
        problem = month_problem(month)
        if problem:
            problems.append(Problem(number, "Progress Note", problem))
        if status == Status.NOT_ON_TRACK and not note:
            problems.append(Problem(number, "Progress Note", "a milestone not on track needs a note saying why."))
        lead = values["lead"] or values["action_lead"] or previous.get("action_lead", "")
        if not lead:
            problems.append(Problem(number, "Milestone Lead", "no milestone lead or action lead is given."))
        if not values["theme"]:
            problems.append(Problem(number, "Theme", "no theme is given for this action."))
        previous.update(lead=lead, agency=values["agency"])
        rows.append(
            Row(
                number,
                previous["ref"],
                previous["title"],
                values["action_lead"] or lead,
                values["theme"],
                str(values["milestone"]).strip(),
                planned,
                due,
                status,
                note,
                month,
                lead,
                str(values["lead_email"]).strip(),
                str(values["agency"]).strip(),
                previous.get("outcome", ""),
                previous.get("source", ""),
            )
        )
    return rows, problems


# Writing ------------------------------------------------------------------------------------


def _person(plan, name, people, summary, email="", agency=""):
    key = re.sub(r"\s+", " ", name).strip().lower()
    if key in people:
        return people[key]
    # Only people of the plan's organisation (and its partners): never another council's.
    known = Person.objects.for_plan(plan)
    person = (known.filter(email__iexact=email).first() if email else None) or known.filter(
        name__iexact=re.sub(r"\s+", " ", name).strip()
    ).first()
    if person is None:
        person = Person.objects.create(
            owner=plan.owner,
            name=re.sub(r"\s+", " ", name).strip(),
            email=email,
            agency=AGENCIES.get(normalise(agency), Person.Agency.OTHER),
        )
        summary.people_created.append(person.name)
    people[key] = person
    return person


def plan_import(*, plan_name, filename, content: bytes, dry_run=False, author=None, owner=None) -> ImportSummary:
    """Import a milestone-report spreadsheet into the named plan (created if new). Raises ImportRefused."""
    header_index, header, body, extra = read_table(filename, content)
    rows, problems = parse_rows(header_index, header, body)
    if not rows and not problems:
        problems.append(Problem(0, "File", "there are no milestone rows under the header."))
    history, history_problems = parse_history(extra.get("Progress history")) if extra else ([], [])
    problems += history_problems
    plan = Plan.objects.filter(name=plan_name).first()
    if plan is None and owner is None:
        problems.append(Problem(0, "Plan", "a new plan needs the organisation that owns it."))
    if plan:
        locked = set(LockedMonth.objects.filter(plan=plan).values_list("month", flat=True))
        for row in rows:
            if (
                row.note
                and row.month in locked
                and not _same_update_exists(plan, row.ref, row.milestone, row.month, row.note)
            ):
                problems.append(Problem(row.number, "Progress Note", _locked_message(row.month)))
        for entry in history:
            if entry.month in locked and not _same_update_exists(
                plan, entry.ref, entry.milestone, entry.month, entry.note, entry.status
            ):
                problems.append(Problem(entry.number, f"{HISTORY_SHEET} sheet, Month", _locked_message(entry.month)))
    if problems:
        raise ImportRefused(problems)
    summary = ImportSummary(dry_run=dry_run)
    with transaction.atomic():
        _write(plan_name, rows, history, summary, owner, author)
        if dry_run:
            transaction.set_rollback(True)
    return summary


def _locked_message(month):
    return f"{dates.month_label(month)} is locked (its snapshot has been taken): report on a later month."


def _same_update_exists(plan, ref, milestone, month, note, status=None):
    """An identical update is already there, so importing the row writes nothing (a round trip)."""
    updates = ProgressUpdate.objects.filter(
        milestone__action__plan=plan,
        milestone__action__ref=ref,
        milestone__description=milestone,
        reporting_month=month,
        note=note,
    )
    return (updates.filter(status=status) if status else updates).exists()


def _write(plan_name, rows, history, summary, owner=None, author=None):
    # A new plan belongs to the organisation importing it (`owner`).
    plan, summary.plan_created = Plan.objects.get_or_create(name=plan_name, defaults={"owner": owner})
    themes = {t.name.lower(): t for t in Theme.objects.filter(plan=plan)}
    people = {}
    actions = {a.ref: a for a in Action.objects.filter(plan=plan)}
    seen_actions = set()
    order = {}
    occurrences = {}
    now = timezone.now()
    for row in rows:
        theme = themes.get(row.theme.lower())
        if theme is None:
            theme = themes[row.theme.lower()] = Theme.objects.create(plan=plan, name=row.theme, order=len(themes) + 1)
            summary.themes_created.append(theme.name)
        action_lead = _person(plan, row.action_lead, people, summary)
        action = actions.get(row.ref)
        if action is None:
            action = actions[row.ref] = Action.objects.create(
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
            changed = [
                f
                for f, v in (("title", row.title), ("theme", theme), ("action_lead", action_lead))
                if getattr(action, f) != v
            ]
            if changed:
                for f, v in (("title", row.title), ("theme", theme), ("action_lead", action_lead)):
                    setattr(action, f, v)
                action.save()
                summary.actions_updated.append(row.ref)
        seen_actions.add(row.ref)
        lead = _person(plan, row.lead, people, summary, row.lead_email, row.agency)
        order[row.ref] = order.get(row.ref, 0) + 1
        # The same description twice in one action (seed 2.09 has it) matches the same occurrence.
        occurrence = occurrences.get((row.ref, row.milestone), 0)
        occurrences[(row.ref, row.milestone)] = occurrence + 1
        milestone = (
            Milestone.objects.filter(action=action, description=row.milestone)
            .order_by("order", "id")[occurrence : occurrence + 1]
            .first()
        )
        if milestone is None:
            milestone = Milestone.objects.create(
                action=action,
                description=row.milestone,
                planned_start=row.planned_start,
                due_date=row.due,
                lead=lead,
                order=order[row.ref],
            )
            summary.milestones_created += 1
        else:
            changed = False
            if milestone.planned_start != row.planned_start or milestone.lead_id != lead.pk:
                milestone.planned_start, milestone.lead = row.planned_start, lead
                changed = True
            if milestone.due_date is None and row.due:
                milestone.due_date, changed = row.due, True
            elif row.due and row.due != milestone.due_date:
                summary.notes.append(
                    f"Row {row.number}: the due date {row.due:%d %b %Y} differs from the original "
                    f"{milestone.due_date:%d %b %Y}, which is kept (record an exception to re-plan)."
                )
            if changed:
                milestone.save()
                summary.milestones_updated += 1
        if not history and (row.note or row.status != Status.NOT_STARTED):  # an export's history sheet has them all
            month = row.month or dates.current_month()
            exists = ProgressUpdate.objects.filter(
                milestone=milestone, reporting_month=month, status=row.status, note=row.note
            ).exists()
            if not exists:
                _record(row.number, "Progress Note", milestone, month, row.status, row.note, now, author)
                summary.updates_added += 1
    for number, ref, description, month, status, note in history:
        milestone = Milestone.objects.filter(action__plan=plan, action__ref=ref, description=description).first()
        if (
            milestone
            and not ProgressUpdate.objects.filter(
                milestone=milestone, reporting_month=month, status=status, note=note
            ).exists()
        ):
            _record(number, "Progress history", milestone, month, status, note, now, author)
            summary.updates_added += 1


HISTORY_SHEET = "Progress history"
HISTORY_LABELS = {"ref": "Ref", "milestone": "Milestone", "month": "Month", "status": "Status", "note": "Note"}
HISTORY_LIMITS = {
    "ref": TEXT_LIMITS["ref"],
    "milestone": DESCRIPTION_MAX_LENGTH,
    "note": NOTE_MAX_LENGTH,
    "status reason": NOTE_MAX_LENGTH,
}


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


def _record(number, column, milestone, month, status, note, now, author):
    """One imported update, through the service every update goes through (locks, lengths, choices)."""
    try:
        progress_update_record(
            milestone=milestone,
            reporting_month=month,
            status=status,
            note=note,
            source=ProgressUpdate.Source.IMPORTED,
            brought_in_by=author,
            recorded_at=now,
        )
    except ValidationError as refused:
        raise ImportRefused([Problem(number, column, " ".join(refused.messages))]) from refused


def parse_history(rows):
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
        status = labels.get(normalise(value["status"]))
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
