"""THE roll-up rule: one recommendation's progress from the milestones of the actions that answer it.

Written once, here, as a function of (status, is overdue) pairs, so the recommendations page,
the report (live or from a snapshot's frozen rows) and the tests all read the same rule:

1. No milestones at all (no action answers it, or its actions have no milestones yet):
   **Not covered**, flagged: nothing in the plan shows it being met.
2. Any milestone not on track, or overdue: **At risk**.
3. Every milestone achieved: **Achieved**.
4. Every milestone not started (and none overdue): **Not started**.
5. Otherwise (some on track or achieved, none at risk): **On track**.

Overdue is the one overdue rule's answer (milestones.querysets.overdue_rule), copied, never worked out here.
"""

from django.db import models

from milestones.status import Status


class RollUp(models.TextChoices):
    NOT_COVERED = "not_covered", "Not covered"
    AT_RISK = "at_risk", "At risk"
    NOT_STARTED = "not_started", "Not started"
    ON_TRACK = "on_track", "On track"
    ACHIEVED = "achieved", "Achieved"

    @property
    def flagged(self):
        return self in (RollUp.NOT_COVERED, RollUp.AT_RISK)

    @property
    def icon(self):
        return ROLLUP_ICONS[self]

    @property
    def meaning(self):
        return ROLLUP_MEANINGS[self]


ROLLUP_ICONS = {
    RollUp.NOT_COVERED: "⚠",
    RollUp.AT_RISK: "✖",
    RollUp.NOT_STARTED: "○",
    RollUp.ON_TRACK: "►",
    RollUp.ACHIEVED: "✔",
}

ROLLUP_MEANINGS = {
    RollUp.NOT_COVERED: "No action with milestones answers this recommendation",
    RollUp.AT_RISK: "At least one milestone is at risk, not on track or overdue",
    RollUp.NOT_STARTED: "No milestone has started",
    RollUp.ON_TRACK: "Milestones on track or achieved, none at risk",
    RollUp.ACHIEVED: "Every milestone achieved",
}


def roll_up(milestones) -> RollUp:
    """`milestones`: (current status, is overdue) pairs, or objects with current_status and is_overdue."""
    pairs = [m if isinstance(m, tuple) else (m.current_status, bool(m.is_overdue)) for m in milestones]
    if not pairs:
        return RollUp.NOT_COVERED
    if any(status in (Status.NOT_ON_TRACK, Status.AT_RISK) or overdue for status, overdue in pairs):
        return RollUp.AT_RISK
    statuses = {status for status, _ in pairs}
    if statuses == {Status.ACHIEVED}:
        return RollUp.ACHIEVED
    if statuses == {Status.NOT_STARTED}:
        return RollUp.NOT_STARTED
    return RollUp.ON_TRACK
