"""Rate limits per token (per user for the browser session), counted in the Django cache."""

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from .models import ApiToken

SAFE = ("GET", "HEAD", "OPTIONS")


class _TokenThrottle(SimpleRateThrottle):
    methods = ()

    def get_rate(self):
        # Read at request time, so a changed setting (a test's tiny rate) applies at once.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def allow_request(self, request, view):
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        if request.method not in self.methods:
            return True
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiToken):
            ident = f"token{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user{request.user.pk}"
        else:
            ident = f"ip{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}


class TokenReadThrottle(_TokenThrottle):
    scope = "api_read"
    methods = SAFE


class TokenWriteThrottle(_TokenThrottle):
    scope = "api_write"
    methods = ("POST", "PUT", "PATCH", "DELETE")
