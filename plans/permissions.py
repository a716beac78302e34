"""View mixins that enforce roles on the server. A forbidden request gets 403."""

from django.contrib.auth.mixins import UserPassesTestMixin

from . import roles


class RoleRequiredMixin(UserPassesTestMixin):
    """Allow the view only to users for whom `role_test(user)` is true.

    Login itself is enforced for every page by LoginRequiredMiddleware; a
    logged-in user without the role gets 403, not a login loop.
    """

    role_test = staticmethod(roles.can_edit_plan)
    raise_exception = True

    def test_func(self):
        return self.role_test(self.request.user)


class ProgrammeManagerRequiredMixin(RoleRequiredMixin):
    role_test = staticmethod(roles.is_programme_manager)
