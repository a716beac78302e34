"""--plan NAME [--organisation NAME] for the management commands: plan names are unique within an
organisation, so the same name may belong to two councils."""

from django.core.management.base import CommandError

from plans.models import Plan


def add_plan_arguments(parser, *, required=True):
    parser.add_argument("--plan", required=required, help="The plan's name.")
    parser.add_argument(
        "--organisation",
        default="",
        help="The organisation that owns the plan (needed only when two organisations have a plan of that name).",
    )


def plan_named(name, organisation=""):
    plans = list(Plan.objects.named(name, organisation or None).select_related("owner")[:10])
    if len(plans) == 1:
        return plans[0]
    if not plans:
        where = f" owned by {organisation}" if organisation else ""
        raise CommandError(f'No plan called "{name}"{where}.')
    owners = ", ".join(sorted(str(p.owner) for p in plans))
    raise CommandError(f'Plans called "{name}" belong to {owners}: say which with --organisation.')
