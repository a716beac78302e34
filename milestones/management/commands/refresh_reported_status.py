"""Repair: recompute every milestone's stored current state (reported_*) from its progress updates.

    manage.py refresh_reported_status [--plan ID]

The stored fields are kept in the transaction that writes an update, so this should find nothing; it is
for rows changed behind the app's back (a restore of part of a database, a hand edit). Reports how many
milestones were corrected.
"""

from django.core.management.base import BaseCommand

from milestones.models import REPORTED_FIELDS, Milestone
from milestones.querysets import latest_update_columns

CHUNK = 2000


def reported_state_repair(milestones=None) -> tuple[int, int]:
    """(milestones corrected, milestones checked)."""
    milestones = Milestone.objects.all() if milestones is None else milestones
    fields = [f"{f}_id" if f == "reported_update" else f for f in REPORTED_FIELDS]
    ids = list(milestones.order_by("pk").values_list("pk", flat=True))
    corrected = 0
    for start in range(0, len(ids), CHUNK):
        chunk = Milestone.objects.filter(pk__in=ids[start : start + CHUNK])
        rows = chunk.annotate(**{f"x_{k}": v for k, v in latest_update_columns().items()}).values(
            "pk", *fields, *(f"x_{f}" for f in fields)
        )
        wrong = [row["pk"] for row in rows if any(row[f] != row[f"x_{f}"] for f in fields)]
        if wrong:
            corrected += Milestone.objects.filter(pk__in=wrong).refresh_reported()
    return corrected, len(ids)


class Command(BaseCommand):
    help = "Recompute each milestone's stored latest status, note and month from its progress updates."

    def add_arguments(self, parser):
        parser.add_argument("--plan", type=int, help="Only this plan's milestones")

    def handle(self, *args, plan=None, **options):
        milestones = Milestone.objects.filter(action__plan_id=plan) if plan else None
        corrected, checked = reported_state_repair(milestones)
        self.stdout.write(f"{corrected} of {checked} milestones corrected.")
