"""The four roles, as Django groups (created by a data migration).

Views and services ask these functions, never group names directly, so the rules
live in one place.
"""

from django.contrib.auth.models import AnonymousUser

PROGRAMME_MANAGER = "Programme manager"
MILESTONE_LEAD = "Milestone lead"
PERFORMANCE_OFFICER = "Performance officer"
SCRUTINY_MEMBER = "Scrutiny member"

ALL_ROLES = [PROGRAMME_MANAGER, MILESTONE_LEAD, PERFORMANCE_OFFICER, SCRUTINY_MEMBER]


def role_names(user) -> set[str]:
    if user is None or isinstance(user, AnonymousUser) or not user.is_authenticated:
        return set()
    # Cached on the user object: templates and views ask several times per request.
    if not hasattr(user, "_role_names"):
        user._role_names = set(user.groups.values_list("name", flat=True))
    return user._role_names


def is_programme_manager(user) -> bool:
    return bool(user and user.is_authenticated and (user.is_superuser or PROGRAMME_MANAGER in role_names(user)))


def is_milestone_lead(user) -> bool:
    return MILESTONE_LEAD in role_names(user)


def is_performance_officer(user) -> bool:
    return PERFORMANCE_OFFICER in role_names(user)


def is_scrutiny_member(user) -> bool:
    return SCRUTINY_MEMBER in role_names(user)


def can_edit_plan(user) -> bool:
    """Create and change plans, themes, actions, milestones and people."""
    return is_programme_manager(user)


def can_edit_indicators(user) -> bool:
    """Enter indicator values, targets, benchmarks and commentary."""
    return is_programme_manager(user) or is_performance_officer(user)


def can_download_reports(user) -> bool:
    """Committee PDFs: the programme manager and scrutiny members."""
    return is_programme_manager(user) or is_scrutiny_member(user)


def sees_changes_at_once(user) -> bool:
    """Those who change the plan and its figures see the dashboard recalculated on every visit;
    everyone else may be shown figures kept for up to a minute."""
    return can_edit_plan(user) or can_edit_indicators(user)
