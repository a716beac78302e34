"""Login and password reset: Django's own views, with two additions for this site."""

from axes.utils import reset as axes_reset
from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy

from . import oidc


class LoginView(auth_views.LoginView):
    """The login page; it offers single sign-on only when it is configured."""

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs, sso_enabled=oidc.enabled())


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Set a new password from the emailed link. Having proved they hold the account's email,
    the person is no longer locked out by earlier failed logins (from any address)."""

    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        axes_reset(username=form.user.get_username())
        return response
