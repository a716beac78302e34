from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Logging in: local passwords, password reset by email, optional single sign-on."""

    name = "accounts"
    verbose_name = "Accounts"
