"""Load the demo plan (Haringey, October 2009), its indicators and one login per role.

Demo passwords live here and in the README only, never in settings.
"""

import datetime
import json
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from indicators.services import indicator_document_load
from milestones.services import plan_document_load, slippage_document_load
from plans import roles
from plans.models import Membership, Person
from recommendations.services import recommendation_document_load
from reports.services import pack_document_load
from reports.snapshots import current_snapshot, snapshot_create
from safeguarding import dates

# The demo's documented password; never used outside the demo command.
DEMO_PASSWORD = "demo-haringey-2009"  # nosec B105
DEMO_USERS = [
    # username, first, last, role, person to link (a lead in the plan)
    ("manager", "Mark", "Gwynne", roles.PROGRAMME_MANAGER, None),
    ("sarah.peel", "Sarah", "Peel", roles.MILESTONE_LEAD, "Sarah Peel"),
    ("mark.gurrey", "Mark", "Gurrey", roles.MILESTONE_LEAD, "Mark Gurrey"),
    ("performance", "Pat", "Performance", roles.PERFORMANCE_OFFICER, None),
    ("councillor", "Gideon", "Bull", roles.SCRUTINY_MEMBER, None),
]

SECOND_COUNCIL_USERS = [
    # username, first, last, (plan, role) pairs, person to link
    ("northbridge", "Nia", "Roberts", [("northbridge", roles.PROGRAMME_MANAGER)], None),
    (
        "nadia.khan",
        "Nadia",
        "Khan",
        [("northbridge", roles.MILESTONE_LEAD), ("haringey", roles.SCRUTINY_MEMBER)],
        "Nadia Khan",
    ),
]


class Command(BaseCommand):
    help = "Load the demo plan from fixtures/ and create one demo login per role."

    def add_arguments(self, parser):
        parser.add_argument(
            "--fixture",
            default=str(Path(settings.BASE_DIR) / "fixtures" / "haringey_oct2009.json"),
            help="Plan document to load (JSON).",
        )
        parser.add_argument(
            "--indicators",
            default=str(Path(settings.BASE_DIR) / "fixtures" / "haringey_indicators_2009.json"),
            help="Indicator document to load (JSON); empty to skip.",
        )
        parser.add_argument(
            "--exceptions",
            default=str(Path(settings.BASE_DIR) / "fixtures" / "haringey_oct2009_exceptions.json"),
            help="Exception report rows to load (JSON); empty to skip.",
        )
        parser.add_argument(
            "--second-council",
            default=str(Path(settings.BASE_DIR) / "fixtures" / "northbridge_2009.json"),
            help="A second council's small plan (JSON), so organisations can be seen to be kept apart; empty to skip.",
        )
        parser.add_argument("--no-users", action="store_true", help="Load the plan only.")

    def handle(self, *args, fixture, indicators, exceptions, no_users, second_council="", **options):
        if settings.PRODUCTION:
            raise CommandError(
                "Refusing to load the demo on a production site (PRODUCTION is set): "
                "it creates a superuser with the published demo password."
            )
        document = self.read(fixture)
        plan = plan_document_load(document)
        count = sum(len(a.get("milestones", [])) for a in document.get("actions", []))
        self.stdout.write(f'Loaded "{plan}": {len(document.get("actions", []))} actions, {count} milestones.')
        if exceptions:
            created = slippage_document_load(
                plan, self.read(exceptions), recorded_on=dates.parse_date(document.get("generated_on"))
            )
            self.stdout.write(f"Loaded {created} exception records.")
        recommendations = Path(settings.BASE_DIR) / "fixtures" / "haringey_recommendations.json"
        if recommendations.exists():
            loaded = recommendation_document_load(plan, self.read(recommendations))
            self.stdout.write(f"Loaded {loaded} inspection recommendations.")
        if indicators:
            loaded = indicator_document_load(self.read(indicators))
            self.stdout.write(f"Loaded {len(loaded)} indicators.")
        second = None
        if second_council:
            second = plan_document_load(self.read(second_council))
            self.stdout.write(f'Loaded "{second}" of {second.owner}, a second council.')
        if not no_users:
            self.create_users(plan.owner)
            if second:
                self.create_second_council_users(plan, second)
        self.take_demo_snapshots(plan, document)
        pack = pack_document_load(self.read(Path(settings.BASE_DIR) / "fixtures" / "haringey_pack_2009-12-03.json"))
        self.stdout.write(f"Loaded the committee pack for {pack}.")

    def take_demo_snapshots(self, plan, document):
        """September and October 2009 as they were reported, each on its report day; both months are then locked."""
        manager = get_user_model().objects.filter(username="manager").first()
        generated_on = dates.parse_date(document.get("generated_on"))
        for period, taken_on in (("2009-09", datetime.date(2009, 10, 8)), ("2009-10", generated_on)):
            month = dates.parse_month(period)
            if not taken_on or current_snapshot(plan, month):
                continue
            taken_at = dates.moment(taken_on, 9, 30)
            snapshot = snapshot_create(plan=plan, period=month, kind="monthly", taken_by=manager, taken_at=taken_at)
            self.stdout.write(f"Took the {snapshot}.")

    def read(self, name):
        path = Path(name)
        if not path.exists():
            raise CommandError(f"No document at {path}.")
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as error:
            raise CommandError(f"{path} is not valid JSON: {error}") from error

    def create_second_council_users(self, haringey, northbridge):
        """Northbridge's programme manager, and a lead there who also scrutinises Haringey's plan:
        roles held in one plan each (plan-level memberships)."""
        User = get_user_model()
        for username, first, last, roles_held, person_name in SECOND_COUNCIL_USERS:
            user, created = User.objects.get_or_create(
                username=username, defaults={"first_name": first, "last_name": last}
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save()
            for which, role in roles_held:
                plan = northbridge if which == "northbridge" else haringey
                Membership.objects.get_or_create(user=user, organisation=plan.owner, plan=plan, role=role)
            if person_name:
                Person.objects.for_plan(northbridge).filter(name=person_name, user__isnull=True).update(user=user)
        self.stdout.write(
            f"Second council logins (password {DEMO_PASSWORD}): " + ", ".join(u[0] for u in SECOND_COUNCIL_USERS)
        )

    def create_users(self, organisation):
        User = get_user_model()
        for username, first, last, role, person_name in DEMO_USERS:
            user, created = User.objects.get_or_create(
                username=username, defaults={"first_name": first, "last_name": last}
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save()
            # Organisation-wide: the demo's people hold their role in every plan of the council.
            Membership.objects.get_or_create(user=user, organisation=organisation, plan=None, role=role)
            if person_name:
                Person.objects.filter(name=person_name, user__isnull=True).update(user=user)
        admin, created = User.objects.get_or_create(username="admin", defaults={"is_staff": True, "is_superuser": True})
        if created:
            admin.set_password(DEMO_PASSWORD)
            admin.save()
        self.stdout.write(
            f"Demo logins ready (password {DEMO_PASSWORD}): admin, " + ", ".join(u[0] for u in DEMO_USERS)
        )
