from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from . import oidc, views

# Django's reset views are already exempt from LoginRequiredMiddleware (login_not_required);
# the single sign-on views are marked in accounts/oidc.py. Names are Django's own.
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password-reset/",
        auth_views.PasswordResetView.as_view(success_url=reverse_lazy("password_reset_done")),
        name="password_reset",
    ),
    path("password-reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("password-reset/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("password-reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("sso/start/", oidc.SignInStartView.as_view(), name="oidc_authentication_init"),
    path("sso/callback/", oidc.SignInCallbackView.as_view(), name="oidc_authentication_callback"),
]
