from . import roles


def user_roles(request):
    """What the navigation needs to know, for the plan being looked at (set by the view's
    permission check), or anywhere on other pages. Views still check on the server."""
    user = getattr(request, "user", None)
    plan = getattr(request, "plan", None)
    held = roles.plan_roles(user, plan) if plan is not None else roles.roles_anywhere(user)
    return {
        "can_edit_plan": roles.PROGRAMME_MANAGER in held,
        "can_edit_indicators": bool(held & {roles.PROGRAMME_MANAGER, roles.PERFORMANCE_OFFICER}),
        "user_is_programme_manager": roles.PROGRAMME_MANAGER in held,
        "user_can_download": bool(held & {roles.PROGRAMME_MANAGER, roles.SCRUTINY_MEMBER}),
        "user_can_export": roles.PROGRAMME_MANAGER in held,
        "user_leads_milestones": bool(held & {roles.MILESTONE_LEAD, roles.PROGRAMME_MANAGER}),
    }
