"""One check for every "?next=" or "next" field the app follows after an action."""

from django.utils.http import url_has_allowed_host_and_scheme


def safe_next_url(request, fallback, field="next"):
    """The ``next`` URL from the POST or GET data when it stays on this site, else ``fallback``.

    Django's own check refuses other hosts, scheme-relative (``//evil.example``), backslash
    (``/\\evil.example``) and ``javascript:`` URLs; over HTTPS it also refuses plain http.
    ``fallback`` may be a URL, a URL name or a model instance (anything ``redirect`` takes).
    """
    target = request.POST.get(field) or request.GET.get(field) or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback
