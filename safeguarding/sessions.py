"""Sessions end after SESSION_COOKIE_AGE idle (30 minutes): each use moves the end on.

Django does that with SESSION_SAVE_EVERY_REQUEST, which writes the session row, in its own committed
transaction, on every request: at the month-end rush that was a database write (and a WAL flush)
for every page anyone read. Here a signed-in session is saved when it was last saved at least
SESSION_REFRESH_SECONDS ago (60), so it ends between 29 and 30 minutes after its last use instead
of at exactly 30. (django-session-timeout does the like, but keeps its own clock beside the
session's and has not been released since 2020.)
"""

import time

from django.conf import settings
from django.contrib.auth import SESSION_KEY

REFRESHED_AT = "_refreshed_at"


class SlidingSessionMiddleware:
    """Mark a signed-in session modified once it is SESSION_REFRESH_SECONDS old, so that
    SessionMiddleware (which must come before this one) saves it with a new expiry."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        # A session someone signed in with (not an API token's request, which has none).
        if session is None or SESSION_KEY not in session:
            return response
        now = int(time.time())
        # Saved anyway (signing in, a message to show): note when, so the next pages need not save it.
        if session.modified or now - session.get(REFRESHED_AT, 0) >= settings.SESSION_REFRESH_SECONDS:
            session[REFRESHED_AT] = now
        return response
