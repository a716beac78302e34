"""`Idempotency-Key` on API writes.

The first successful (2xx) response to a key is stored with a fingerprint of the request (method,
path, body) for API_IDEMPOTENCY_HOURS; the same key from the same user replays it (with the header
`Idempotent-Replayed: true`) without writing again. The same key with a different request is 422;
while the first request with a key is still running, a second is 409. A refused write (4xx) is not
stored: the corrected request may use the same key.
"""

import datetime
import functools
import hashlib
import json

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework import status
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder

from .models import IdempotencyRecord

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255


def _fingerprint(request, args, kwargs):
    body = json.dumps(request.data, sort_keys=True, cls=JSONEncoder)
    text = f"{request.method} {request.path} {body}"
    return hashlib.sha256(text.encode()).hexdigest()


def _jsonable(data):
    return json.loads(json.dumps(data, cls=JSONEncoder))


def idempotent(handler):
    @functools.wraps(handler)
    def wrapper(view, request, *args, **kwargs):
        key = request.headers.get(HEADER, "").strip()
        if not key:
            return handler(view, request, *args, **kwargs)
        if len(key) > MAX_KEY_LENGTH:
            return Response(
                {"detail": f"An {HEADER} is at most {MAX_KEY_LENGTH} characters."}, status=status.HTTP_400_BAD_REQUEST
            )
        fingerprint = _fingerprint(request, args, kwargs)
        mine = IdempotencyRecord.objects.filter(user=request.user, key=key)
        cutoff = timezone.now() - datetime.timedelta(hours=settings.API_IDEMPOTENCY_HOURS)
        mine.filter(created_at__lt=cutoff).delete()
        record = mine.first()
        if record is not None:
            if record.fingerprint != fingerprint:
                return Response(
                    {"detail": f"This {HEADER} was used for a different request. Use a new key for a new request."},
                    status=status.HTTP_422_UNPROCESSABLE_ENTITY,
                )
            if record.status_code is None:
                return Response(
                    {"detail": f"A request with this {HEADER} is still being processed. Try again shortly."},
                    status=status.HTTP_409_CONFLICT,
                )
            return Response(record.body, status=record.status_code, headers={"Idempotent-Replayed": "true"})
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(user=request.user, key=key, fingerprint=fingerprint)
        except IntegrityError:  # the same key, at the same moment, from a parallel request
            return Response(
                {"detail": f"A request with this {HEADER} is still being processed. Try again shortly."},
                status=status.HTTP_409_CONFLICT,
            )
        try:
            response = handler(view, request, *args, **kwargs)
        except Exception:
            record.delete()
            raise
        if 200 <= response.status_code < 300:
            record.status_code = response.status_code
            record.body = _jsonable(response.data)
            record.save(update_fields=["status_code", "body"])
        else:
            record.delete()
        return response

    return wrapper
