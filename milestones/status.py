"""Milestone statuses, with the words and icons the reports use."""

from django.db import models


class Status(models.TextChoices):
    # In the order of the reports' status key.
    ACHIEVED = "achieved", "Achieved"
    ON_TRACK = "on_track", "On track"
    # Amber in RAG schemes: the warning a committee needs, kept apart from on track.
    AT_RISK = "at_risk", "At risk"
    NOT_ON_TRACK = "not_on_track", "Not on track"
    NOT_STARTED = "not_started", "Not started"

    @property
    def meaning(self):
        """The status key printed on the reports."""
        return STATUS_MEANINGS[self]

    @property
    def icon(self):
        return STATUS_ICONS[self]


STATUS_MEANINGS = {
    Status.NOT_STARTED: "Work on this milestone has not started",
    Status.ON_TRACK: "Action in progress and on track to be completed",
    Status.ACHIEVED: "Action completed and desired outcome achieved",
    Status.AT_RISK: "In progress but at risk of missing its date or outcome",
    Status.NOT_ON_TRACK: "Not achieved / not on track: support required to address issues",
}
# Shapes differ as well as colours, so status never depends on colour alone.
STATUS_ICONS = {
    Status.NOT_STARTED: "○",
    Status.ON_TRACK: "►",
    Status.ACHIEVED: "✔",
    Status.AT_RISK: "◆",
    Status.NOT_ON_TRACK: "✖",
}


def status_flags(status, planned_start, due, today):
    """Reasons a reported status disagrees with the milestone's dates, in the users' words."""
    flags = []
    if status in (Status.ON_TRACK, Status.AT_RISK, Status.NOT_STARTED) and due and due < today:
        flags.append(f"Reported {Status(status).label.lower()} but the due date, {due:%d %b %Y}, has passed.")
    if status == Status.NOT_STARTED and planned_start and planned_start < today:
        flags.append(f"Reported not started but it was planned to start on {planned_start:%d %b %Y}.")
    return flags
