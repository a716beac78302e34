"""Per-plan permissions (django-rules) and the view mixins that enforce them.

Every permission is asked of an object: the plan, or any record that belongs to one
(`plan_of` finds it). Views and services call `user.has_perm(name, obj)`; the rules are here.
A user who is not a member of the plan gets 404 (the plan's existence is not revealed);
a member without the role gets 403.
"""

import rules
from django.core.exceptions import PermissionDenied
from django.http import Http404

from . import roles
from .models import Organisation, Plan

# Attributes that lead from a record towards its plan, tried in this order.
_TOWARDS_PLAN = ("plan", "action", "milestone", "indicator", "pack", "version", "update")


def plan_of(obj):
    """The plan a record belongs to (None for records outside any plan)."""
    for _ in range(5):
        if obj is None or isinstance(obj, Plan):
            return obj
        for attribute in _TOWARDS_PLAN:
            if hasattr(obj, attribute):
                obj = getattr(obj, attribute)
                break
        else:
            return None
    return None


def _role_predicate(role):
    @rules.predicate(name=f"holds {role}")
    def holds(user, obj=None):
        return role in roles.plan_roles(user, plan_of(obj))

    return holds


is_member = rules.predicate(lambda user, obj=None: bool(roles.plan_roles(user, plan_of(obj))), name="is member")
is_programme_manager = _role_predicate(roles.PROGRAMME_MANAGER)
is_milestone_lead = _role_predicate(roles.MILESTONE_LEAD)
is_performance_officer = _role_predicate(roles.PERFORMANCE_OFFICER)
is_scrutiny_member = _role_predicate(roles.SCRUTINY_MEMBER)


@rules.predicate
def manages_organisation(user, organisation=None):
    managed = roles.managed_organisations(user)
    if isinstance(organisation, Organisation):
        return managed.filter(pk=organisation.pk).exists()
    return managed.exists()


rules.add_perm("plans.view_plan", is_member)
# Plans, themes, actions, milestones, versions, glossary, packs, snapshots, imports.
rules.add_perm("plans.change_plan", is_programme_manager)
rules.add_perm("plans.edit_indicators", is_programme_manager | is_performance_officer)
# Committee PDFs: download built ones and ask for new builds (limited per user in reports.services).
rules.add_perm("plans.download_documents", is_programme_manager | is_scrutiny_member)
# The workbook export holds every lead's email address: not for read-only roles.
rules.add_perm("plans.export_plan", is_programme_manager)
rules.add_perm("plans.view_audit", is_programme_manager)
# Create plans and keep the list of leads of an organisation: organisation-wide programme managers.
rules.add_perm("plans.add_plan", manages_organisation)
rules.add_perm("plans.manage_people", manages_organisation)


def check_plan_permission(request, obj, permission="plans.view_plan"):
    """404 unless the user is a member of the plan `obj` belongs to; 403 without `permission`.
    Remembers the plan on the request so the navigation shows what this user may do in it."""
    plan = plan_of(obj)
    user = request.user
    if plan is None or not user.has_perm("plans.view_plan", plan):
        raise Http404("No such plan.")
    request.plan = plan
    if permission != "plans.view_plan" and not user.has_perm(permission, obj):
        raise PermissionDenied("Your role in this plan does not allow that.")
    return plan


class PlanPermissionMixin:
    """Views about one plan: `get_plan()` finds it, `permission_required` is checked on it."""

    permission_required = "plans.view_plan"

    def get_plan(self):
        return None

    def dispatch(self, request, *args, **kwargs):
        self.plan = self.get_plan()
        check_plan_permission(request, self.plan, self.permission_required)
        return super().dispatch(request, *args, **kwargs)
