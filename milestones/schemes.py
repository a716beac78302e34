"""Status schemes: the words, icons and colours a plan reports its milestones in.

What is stored on a progress update is the status *family* (`Status`): complete, on track, at risk, not on
track, not started. The rules (overdue, exceptions, dashboards, movement, reminders) read only the family;
the scheme decides what people see: "Achieved" or "Blue", "On track" or "Green". A snapshot keeps the
scheme it was taken with, so a printed month reads as it was shown.
"""

import functools
import json
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models

from safeguarding.text import control_character_error

from .status import STATUS_ICONS, STATUS_MEANINGS, Status


class SchemeKind(models.TextChoices):
    FOUR = "four", "Achieved, On track, Not on track, Not started (the milestone report's key)"
    RAG = "rag", "Red, Amber, Green (and Complete)"
    BRAG = "brag", "Blue, Red, Amber, Green (Blue = complete)"
    CUSTOM = "custom", "The plan's own labels"


# Colours people can pick for their own labels; each has WCAG AA text/background pairs in the CSS.
COLOURS = ["green", "yellow", "amber", "red", "blue", "grey", "purple"]
# Print patterns, so a status can be told apart on a black-and-white copy as well as by its icon.
PATTERNS = {
    Status.ACHIEVED: "solid",
    Status.ON_TRACK: "none",
    Status.AT_RISK: "dots",
    Status.NOT_ON_TRACK: "hatch",
    Status.NOT_STARTED: "outline",
}
LABEL_MAX_LENGTH = 40


@dataclass(frozen=True)
class SchemeStatus:
    status: Status
    label: str
    colour: str
    meaning: str

    @property
    def value(self):
        return self.status.value

    @property
    def icon(self):
        # The icon belongs to the family, so a shape always means the same thing whatever the words.
        return STATUS_ICONS[self.status]

    @property
    def pattern(self):
        return PATTERNS[self.status]

    @property
    def css(self):
        return f"status status-{self.status.value} status-c-{self.colour}"

    @property
    def text(self):
        return f"{self.icon} {self.label}"


def _s(status, label, colour, meaning=None):
    return SchemeStatus(Status(status), label, colour, meaning or STATUS_MEANINGS[Status(status)])


DEFAULT_COLOURS = {
    Status.ACHIEVED: "green",
    Status.ON_TRACK: "yellow",
    Status.AT_RISK: "amber",
    Status.NOT_ON_TRACK: "red",
    Status.NOT_STARTED: "grey",
}
# How a family not offered by a scheme is shown (a milestone with no update is "not started" in every scheme).
FALLBACK = {status: _s(status, status.label, DEFAULT_COLOURS[status]) for status in Status}


@dataclass(frozen=True)
class StatusScheme:
    kind: str
    statuses: tuple  # SchemeStatus, in the order of the key

    def get(self, status) -> SchemeStatus:
        status = Status(status or Status.NOT_STARTED)
        for entry in self.statuses:
            if entry.status == status:
                return entry
        return FALLBACK[status]

    def label(self, status):
        return self.get(status).label

    def text(self, status):
        return self.get(status).text

    @property
    def choices(self):
        return [(entry.value, entry.label) for entry in self.statuses]

    @property
    def offered(self):
        return [entry.status for entry in self.statuses]

    def key(self, shown=()):
        """The statuses a report's key lists: the scheme's own, plus any other family shown."""
        families = list(self.offered) + [Status(s) for s in shown if s and Status(s) not in self.offered]
        return [self.get(status) for status in dict.fromkeys(families)]

    def reading(self, word):
        """The family a label of this scheme names ("amber" → at risk), or None."""
        word = (word or "").strip().casefold()
        for entry in self.statuses:
            if entry.label.casefold() == word:
                return entry.status
        return None

    def as_json(self):
        return {
            "kind": self.kind,
            "statuses": [
                {"status": e.value, "label": e.label, "colour": e.colour, "meaning": e.meaning} for e in self.statuses
            ],
        }

    @classmethod
    def from_json(cls, data):
        if not data or not data.get("statuses"):
            return BUILT_IN[SchemeKind.FOUR]
        return cls(
            data.get("kind", SchemeKind.CUSTOM),
            tuple(_s(e["status"], e["label"], e.get("colour", "grey"), e.get("meaning")) for e in data["statuses"]),
        )


BUILT_IN = {
    SchemeKind.FOUR: StatusScheme(
        SchemeKind.FOUR,
        (
            _s(Status.ACHIEVED, "Achieved", "green"),
            _s(Status.ON_TRACK, "On track", "yellow"),
            _s(Status.NOT_ON_TRACK, "Not on track", "red"),
            _s(Status.NOT_STARTED, "Not started", "grey"),
        ),
    ),
    SchemeKind.RAG: StatusScheme(
        SchemeKind.RAG,
        (
            _s(Status.NOT_ON_TRACK, "Red", "red", "Off track: will not be delivered on time without intervention"),
            _s(Status.AT_RISK, "Amber", "amber", "At risk: some slippage or issues, being managed"),
            _s(Status.ON_TRACK, "Green", "green", "On track to be delivered on time"),
            _s(Status.ACHIEVED, "Complete", "blue", "Completed and the outcome achieved"),
        ),
    ),
    SchemeKind.BRAG: StatusScheme(
        SchemeKind.BRAG,
        (
            _s(Status.ACHIEVED, "Blue", "blue", "Complete: delivered and the outcome achieved"),
            _s(Status.NOT_ON_TRACK, "Red", "red", "Off track: will not be delivered on time without intervention"),
            _s(Status.AT_RISK, "Amber", "amber", "At risk: some slippage or issues, being managed"),
            _s(Status.ON_TRACK, "Green", "green", "On track to be delivered on time"),
        ),
    ),
}
DEFAULT_SCHEME = BUILT_IN[SchemeKind.FOUR]


def custom_statuses_clean(entries):
    """Check a plan's own labels: each a known family, a short unique label, a known colour.

    Returns the cleaned list; raises ValidationError with a message per problem.
    """
    errors, cleaned, labels, families = [], [], set(), set()
    for number, entry in enumerate(entries or [], start=1):
        status, label = entry.get("status"), " ".join(str(entry.get("label") or "").split())
        if control_character_error(label) or any(unicodedata.category(c) == "Cf" for c in label):
            # Invisible and direction-changing characters let two labels look alike, or reverse the text after.
            errors.append(f"Status {number}: use letters, numbers and punctuation only (no hidden characters).")
            continue
        colour = entry.get("colour") or DEFAULT_COLOURS.get(status, "grey")
        if status not in Status.values:
            errors.append(
                f"Status {number}: choose what it means (complete, on track, at risk, not on track, not started)."
            )
            continue
        if not label:
            errors.append(f"Status {number}: give it a label.")
        elif len(label) > LABEL_MAX_LENGTH:
            errors.append(f"Status {number}: the label is {len(label)} characters; keep it to {LABEL_MAX_LENGTH}.")
        elif label.casefold() in labels:
            errors.append(f'Status {number}: "{label}" is used twice; each label must be different.')
        if status in families:
            errors.append(f"Status {number}: two labels mean {Status(status).label.lower()}; keep one.")
        if colour not in COLOURS:
            errors.append(f"Status {number}: choose a colour from {', '.join(COLOURS)}.")
        labels.add(label.casefold())
        families.add(status)
        meaning = " ".join(str(entry.get("meaning") or "").split())[:200]
        cleaned.append({"status": status, "label": label, "colour": colour, "meaning": meaning})
    if not errors and not cleaned:
        errors.append("Give at least one status of your own, or choose a built-in scheme.")
    if not errors and Status.ACHIEVED not in families:
        errors.append("One status must mean complete, so finished milestones stop being chased.")
    if errors:
        raise ValidationError(errors)
    return cleaned


@functools.lru_cache(maxsize=256)
def _own_scheme(labels_json):
    # Pages ask once a row; a plan's own labels are read once per distinct set.
    return StatusScheme.from_json({"kind": SchemeKind.CUSTOM, "statuses": json.loads(labels_json)})


def scheme_for_plan(plan) -> StatusScheme:
    if plan is None:
        return DEFAULT_SCHEME
    kind = getattr(plan, "status_scheme", SchemeKind.FOUR) or SchemeKind.FOUR
    if kind == SchemeKind.CUSTOM:
        return _own_scheme(json.dumps(plan.custom_statuses or [], sort_keys=True))
    return BUILT_IN.get(kind, DEFAULT_SCHEME)
