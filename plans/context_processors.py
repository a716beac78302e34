from . import roles


def user_roles(request):
    """What the navigation needs to know; views still check on the server."""
    user = getattr(request, "user", None)
    return {
        "can_edit_plan": roles.can_edit_plan(user),
        "user_is_programme_manager": roles.is_programme_manager(user),
        "user_can_download": roles.can_download_reports(user),
        "user_leads_milestones": roles.is_milestone_lead(user) or roles.is_programme_manager(user),
    }
