"""Who holds which role where. A role is held in one plan, or in every plan of an organisation
(a membership with no plan). Superusers (the host's administrators) hold every role everywhere.

Object permissions (plans/permissions.py, milestones/permissions.py) are built on these
functions; views ask `user.has_perm(perm, obj)`, never these helpers or group names directly,
except for the navigation, which asks what a user can do anywhere.
"""

from django.db.models import Q

from .models import Membership, Plan, Role

PROGRAMME_MANAGER = Role.PROGRAMME_MANAGER.value
MILESTONE_LEAD = Role.MILESTONE_LEAD.value
PERFORMANCE_OFFICER = Role.PERFORMANCE_OFFICER.value
SCRUTINY_MEMBER = Role.SCRUTINY_MEMBER.value

ALL_ROLES = list(Role.values)


def _signed_in(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def _memberships(user) -> list[tuple[int, int | None, str]]:
    """(organisation id, plan id or None, role) for each membership; read once per request."""
    if not hasattr(user, "_memberships"):
        user._memberships = list(Membership.objects.filter(user=user).values_list("organisation_id", "plan_id", "role"))
    return user._memberships


def plan_roles(user, plan) -> set[str]:
    """The roles the user holds in this plan."""
    if not _signed_in(user) or plan is None:
        return set()
    if user.is_superuser:
        return set(ALL_ROLES)
    return {
        role
        for organisation_id, plan_id, role in _memberships(user)
        if plan_id == plan.pk or (plan_id is None and organisation_id == plan.owner_id)
    }


def roles_anywhere(user) -> set[str]:
    """Every role the user holds in some plan: for the navigation only."""
    if not _signed_in(user):
        return set()
    if user.is_superuser:
        return set(ALL_ROLES)
    return {role for _, _, role in _memberships(user)}


def visible_plans(user, role=None):
    """The plans the user is a member of (in any role, or in `role`)."""
    if not _signed_in(user):
        return Plan.objects.none()
    if user.is_superuser:
        return Plan.objects.all()
    rows = [row for row in _memberships(user) if role is None or row[2] == role]
    plan_ids = {plan_id for _, plan_id, _ in rows if plan_id}
    organisation_ids = {organisation_id for organisation_id, plan_id, _ in rows if plan_id is None}
    if not plan_ids and not organisation_ids:
        return Plan.objects.none()
    return Plan.objects.filter(Q(pk__in=plan_ids) | Q(owner_id__in=organisation_ids))


def managed_organisations(user):
    """Organisations in which the user may create plans and keep the list of leads."""
    from .models import Organisation

    if not _signed_in(user):
        return Organisation.objects.none()
    if user.is_superuser:
        return Organisation.objects.all()
    ids = {org for org, plan_id, role in _memberships(user) if plan_id is None and role == PROGRAMME_MANAGER}
    return Organisation.objects.filter(pk__in=ids)


def visible_organisation_ids(user) -> set[int]:
    """Organisations some of whose plans the user sees (for lists of people)."""
    return set(visible_plans(user).exclude(owner=None).values_list("owner_id", flat=True))
