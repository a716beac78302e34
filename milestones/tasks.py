"""Celery tasks for the monthly cycle: thin wrappers, idempotent, retried on transient failures."""

from smtplib import SMTPException

from celery import shared_task
from django.db import OperationalError

from . import reminders

RETRY = {"autoretry_for": (OperationalError, SMTPException, ConnectionError), "retry_backoff": True, "max_retries": 5}


@shared_task(**RETRY)
def reminders_send():
    run = reminders.reminders_send()
    return {"sent": run.sent, "already_sent": run.already_sent, "no_email": run.no_email}


@shared_task(**RETRY)
def digest_send():
    return reminders.digest_send()
