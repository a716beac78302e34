"""Scale data: N organisations, each with one generated plan of M milestones, its leads and memberships.

    manage.py generate_organisations --organisations 150 --milestones-per-plan 2000

Each organisation gets a programme manager `<slug>-pm` (every plan of the organisation) and a milestone
lead `<slug>-lead` (member of the plan, linked to its first lead so "My milestones" has rows). Rows are
written in bulk (milestones.generated.generated_plan_create per plan). Without --password the users
cannot sign in (an unusable password); with it they all share that password (one hash, computed once).
"""

import time

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from milestones.generated import generated_plan_create
from plans import roles
from plans.models import Membership, Organisation


def organisations_generate(*, organisations, milestones_per_plan, prefix="Generated council", password=None):
    """Create the organisations, their users, memberships and plans; returns the organisations."""
    User = get_user_model()
    taken = Organisation.objects.filter(name__startswith=f"{prefix} ").count()
    names = [f"{prefix} {taken + n + 1}" for n in range(organisations)]
    if Organisation.objects.filter(name__in=names).exists():
        raise CommandError(f"Some of the organisations {names[0]} … {names[-1]} exist already: use another --prefix.")
    password_hash = make_password(password)  # None gives an unusable password
    with transaction.atomic():
        orgs = Organisation.objects.bulk_create(Organisation(name=name) for name in names)
        slugs = [name.lower().replace(" ", "-") for name in names]
        users = User.objects.bulk_create(
            User(username=f"{slug}-{kind}", password=password_hash) for slug in slugs for kind in ("pm", "lead")
        )
        by_name = {user.username: user for user in users}
        memberships = []
        for org, slug in zip(orgs, slugs, strict=True):
            lead = by_name[f"{slug}-lead"]
            plan = generated_plan_create(
                milestones=milestones_per_plan, name=f"{org.name} plan", lead_users=[lead], owner=org
            )
            memberships += [
                Membership(user=by_name[f"{slug}-pm"], organisation=org, plan=None, role=roles.PROGRAMME_MANAGER),
                Membership(user=lead, organisation=org, plan=plan, role=roles.MILESTONE_LEAD),
            ]
        Membership.objects.bulk_create(memberships)
    return orgs


class Command(BaseCommand):
    help = "Generate N organisations, each with one plan of M milestones, its leads and memberships (bulk)."

    def add_arguments(self, parser):
        parser.add_argument("--organisations", type=int, required=True)
        parser.add_argument("--milestones-per-plan", type=int, default=2000)
        parser.add_argument("--prefix", default="Generated council", help="Organisation names: '<prefix> <n>'")
        parser.add_argument("--password", default=None, help="A password for every generated user (else none)")

    def handle(self, *args, organisations, milestones_per_plan, prefix, password, **options):
        if organisations < 1 or milestones_per_plan < 1:
            raise CommandError("--organisations and --milestones-per-plan must be at least 1.")
        started = time.monotonic()
        orgs = organisations_generate(
            organisations=organisations, milestones_per_plan=milestones_per_plan, prefix=prefix, password=password
        )
        self.stdout.write(
            f"{len(orgs)} organisations × {milestones_per_plan} milestones "
            f"({len(orgs) * milestones_per_plan} milestones) in {time.monotonic() - started:.1f} s: "
            f"{orgs[0].name} … {orgs[-1].name}"
        )
