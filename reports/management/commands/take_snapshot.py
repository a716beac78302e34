"""Take a plan's snapshot for a month (what the schedule does, by hand)."""

from django.core.management.base import BaseCommand, CommandError

from reports.management.plan_option import add_plan_arguments, plan_named
from reports.snapshots import SnapshotExists, snapshot_create
from safeguarding import dates


class Command(BaseCommand):
    help = "Freeze a plan's milestones and indicators for a month and lock that month."

    def add_arguments(self, parser):
        add_plan_arguments(parser)
        parser.add_argument("--period", required=True, help="The month, YYYY-MM.")
        parser.add_argument("--kind", choices=["monthly", "quarterly"], default="monthly")
        parser.add_argument("--retake", action="store_true", help="Take it again; the old one is kept, superseded.")

    def handle(self, *args, plan, period, kind, retake, **options):
        plan_obj = plan_named(plan, options.get("organisation"))
        month = dates.parse_month(period)
        if month is None:
            raise CommandError(f'"{period}" is not a month: use YYYY-MM, for example 2009-10.')
        try:
            snapshot = snapshot_create(plan=plan_obj, period=month, kind=kind, retake=retake)
        except SnapshotExists as exists:
            raise CommandError(f"{exists} Use --retake to take it again.") from exists
        self.stdout.write(
            f"Took the {kind} snapshot of {plan_obj} for {snapshot.period_label}: "
            f"{snapshot.milestones.count()} milestones, {snapshot.indicators.count()} indicators."
        )
