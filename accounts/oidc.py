"""Optional single sign-on with an organisation account (OpenID Connect: Microsoft Entra ID, Google...).

Built on mozilla-django-oidc and configured only by environment variables (see .env.example):
with OIDC_RP_CLIENT_ID unset it is off, the login page shows no button and these views answer 404.

Two things are added to the library:
- the provider's endpoints can come from its discovery document (OIDC_OP_DISCOVERY), fetched once
  when first needed, not at start-up and not on every request;
- a person is matched by email to an existing account and never given a new one unless
  OIDC_CREATE_USERS is on; an email the provider has not verified is refused, and a person with
  no matching account is told so in plain words.
"""

import logging

import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views import View
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

logger = logging.getLogger(__name__)

# Setting name -> key in the provider's /.well-known/openid-configuration document.
DISCOVERED = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}
_documents = {}  # discovery URL -> document, for the life of the process


def enabled():
    return bool(getattr(settings, "OIDC_RP_CLIENT_ID", ""))


def discovery_document(url):
    if url not in _documents:
        response = requests.get(url, timeout=10)
        response.raise_for_status()
        _documents[url] = response.json()
    return _documents[url]


def oidc_setting(attr, *default):
    """A setting for mozilla-django-oidc: set explicitly, else read from the discovery document."""
    value = getattr(settings, attr, None)
    if value in ("", None) and attr in DISCOVERED and getattr(settings, "OIDC_OP_DISCOVERY", ""):
        value = discovery_document(settings.OIDC_OP_DISCOVERY).get(DISCOVERED[attr])
    if value in ("", None):
        if default:
            return default[0]
        raise ImproperlyConfigured(f"Single sign-on needs {attr} (or OIDC_OP_DISCOVERY) to be set.")
    return value


def _setting_property(attr, default=None):
    return property(lambda self: self.get_settings(attr, default))


class OrganisationAccountBackend(OIDCAuthenticationBackend):
    """Signs in the existing account whose email the provider vouches for."""

    get_settings = staticmethod(oidc_setting)

    # Django makes a backend for each request of a signed-in user (get_user): read the settings,
    # and so fetch the discovery document, only when a sign-in actually needs them.
    OIDC_OP_TOKEN_ENDPOINT = _setting_property("OIDC_OP_TOKEN_ENDPOINT")
    OIDC_OP_USER_ENDPOINT = _setting_property("OIDC_OP_USER_ENDPOINT")
    OIDC_OP_JWKS_ENDPOINT = _setting_property("OIDC_OP_JWKS_ENDPOINT")
    OIDC_RP_CLIENT_ID = _setting_property("OIDC_RP_CLIENT_ID")
    OIDC_RP_CLIENT_SECRET = _setting_property("OIDC_RP_CLIENT_SECRET")
    OIDC_RP_SIGN_ALGO = _setting_property("OIDC_RP_SIGN_ALGO", "RS256")
    OIDC_RP_IDP_SIGN_KEY = _setting_property("OIDC_RP_IDP_SIGN_KEY")

    def __init__(self, *args, **kwargs):
        self.UserModel = get_user_model()

    def authenticate(self, request, **kwargs):
        if not enabled():
            return None
        try:
            return super().authenticate(request, **kwargs)
        except (SuspiciousOperation, requests.RequestException) as error:
            # A bad token or an unreachable provider: the person is sent back to the login page.
            logger.warning("Single sign-on refused: %s", error)
            return None

    def verify_token(self, token, **kwargs):
        payload = super().verify_token(token, **kwargs)  # signature and nonce
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if self.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("The ID token was issued for another application.")
        return payload

    def verify_claims(self, claims):
        if claims.get("email_verified") is False:  # Google and others say so; absent is not a refusal
            logger.warning("Single sign-on refused: the provider has not verified %s", claims.get("email"))
            return False
        return bool(claims.get("email"))

    def filter_users_by_claims(self, claims):
        email = claims.get("email", "")
        if self.request is not None:
            self.request.sso_email = email  # for the message when no account matches
        # Inactive accounts match too: the callback then refuses them (rather than make a new one).
        return self.UserModel.objects.filter(email__iexact=email) if email else self.UserModel.objects.none()


@method_decorator(login_not_required, name="dispatch")
class SignInStartView(OIDCAuthenticationRequestView):
    """Sends the browser to the organisation's sign-in page."""

    get_settings = staticmethod(oidc_setting)
    OIDC_OP_AUTH_ENDPOINT = _setting_property("OIDC_OP_AUTHORIZATION_ENDPOINT")
    OIDC_RP_CLIENT_ID = _setting_property("OIDC_RP_CLIENT_ID")

    def __init__(self, **kwargs):
        View.__init__(self, **kwargs)  # the settings are read when used, after the check below

    def dispatch(self, request, *args, **kwargs):
        if not enabled():
            raise Http404("Single sign-on is not configured.")
        return super().dispatch(request, *args, **kwargs)


@method_decorator(login_not_required, name="dispatch")
class SignInCallbackView(OIDCAuthenticationCallbackView):
    """The provider sends the browser back here with a code; the backend turns it into an account."""

    get_settings = staticmethod(oidc_setting)

    def dispatch(self, request, *args, **kwargs):
        if not enabled():
            raise Http404("Single sign-on is not configured.")
        return super().dispatch(request, *args, **kwargs)

    def login_failure(self):
        email = getattr(self.request, "sso_email", "")
        if email:
            messages.error(
                self.request,
                f"There is no Plan Tracker account for {email}. Ask your programme manager to add this "
                "email address to your account, or log in with your username and password.",
            )
        else:
            messages.error(
                self.request,
                "Signing in with your organisation account did not work. Try again, "
                "or log in with your username and password.",
            )
        return HttpResponseRedirect(reverse("login"))
