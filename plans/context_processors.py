from django.urls import reverse

from . import roles


def _actions_led(user):
    from .models import Action

    return bool(user and user.is_authenticated and Action.objects.filter(action_lead__user=user).exists())


def _indicators_url(user, plan):
    """The indicator list a performance officer works in: the plan being looked at, else their only plan."""
    if plan is None:
        plans = list(roles.visible_plans(user, roles.PERFORMANCE_OFFICER)[:2])
        plan = plans[0] if len(plans) == 1 else None
    return reverse("indicators:list", args=[plan.pk]) if plan is not None else None


def user_roles(request):
    """What the navigation needs to know, for the plan being looked at (set by the view's
    permission check), or anywhere on other pages. Views still check on the server."""
    user = getattr(request, "user", None)
    plan = getattr(request, "plan", None)
    held = roles.plan_roles(user, plan) if plan is not None else roles.roles_anywhere(user)
    anywhere = roles.roles_anywhere(user)
    manages_anywhere = roles.PROGRAMME_MANAGER in anywhere
    return {
        "status_scheme": plan.scheme if plan is not None else None,
        "can_edit_plan": roles.PROGRAMME_MANAGER in held,
        "can_edit_indicators": bool(held & {roles.PROGRAMME_MANAGER, roles.PERFORMANCE_OFFICER}),
        "user_is_programme_manager": roles.PROGRAMME_MANAGER in held,
        "user_can_download": bool(held & {roles.PROGRAMME_MANAGER, roles.SCRUTINY_MEMBER}),
        "user_can_export": roles.PROGRAMME_MANAGER in held,
        "user_leads_milestones": bool(held & {roles.MILESTONE_LEAD, roles.PROGRAMME_MANAGER}),
        # The main menu: only what the user can do somewhere.
        "nav_my_milestones": bool(anywhere & {roles.MILESTONE_LEAD, roles.PROGRAMME_MANAGER}),
        "nav_sign_off": manages_anywhere or (roles.MILESTONE_LEAD in anywhere and _actions_led(user)),
        "nav_people": manages_anywhere,
        "nav_indicators_url": _indicators_url(user, plan)
        if roles.PERFORMANCE_OFFICER in anywhere and not manages_anywhere
        else None,
    }
