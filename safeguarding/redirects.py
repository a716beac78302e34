"""The one check for where a `next` parameter may send the user: this site only."""

from django.utils.http import url_has_allowed_host_and_scheme


def safe_next_url(request, fallback: str) -> str:
    """`next` from the POST or query string when it points at this site, else `fallback`."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback
