"""Milestone statuses, with the words and icons the reports use."""

from django.db import models


class Status(models.TextChoices):
    # In the order of the reports' status key.
    ACHIEVED = "achieved", "Achieved"
    ON_TRACK = "on_track", "On track"
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
    Status.NOT_ON_TRACK: "Not achieved / not on track: support required to address issues",
}
# Shapes differ as well as colours, so status never depends on colour alone.
STATUS_ICONS = {
    Status.NOT_STARTED: "○",
    Status.ON_TRACK: "►",
    Status.ACHIEVED: "✔",
    Status.NOT_ON_TRACK: "✖",
}
