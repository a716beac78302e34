"""Celery tasks: thin, they load ids and call a service. Idempotent and retried on
transient database or broker failures. Schedules live in settings.CELERY_BEAT_SCHEDULE."""

import datetime

from celery import shared_task
from django.db import OperationalError

from plans.models import Plan
from safeguarding import dates

from .jobs import render_job_execute
from .snapshots import SnapshotExists, snapshot_create

RETRY = {"autoretry_for": (OperationalError, ConnectionError), "retry_backoff": True, "max_retries": 5}


@shared_task(**RETRY)
def render_job_run(job_id):
    """Thin: the service does the work and records progress on the job."""
    render_job_execute(job_id)


@shared_task(**RETRY)
def snapshot_take(plan_id, period, kind, by_schedule=True):
    """Take one plan's snapshot for a month (YYYY-MM-DD). Taken already: returns that one."""
    plan = Plan.objects.get(pk=plan_id)
    try:
        snapshot = snapshot_create(
            plan=plan, period=datetime.date.fromisoformat(period), kind=kind, by_schedule=by_schedule
        )
    except SnapshotExists as exists:
        snapshot = exists.snapshot
    return snapshot.pk


@shared_task(**RETRY)
def snapshots_scheduled(kind):
    """The beat job (daily): close the month just ended in every plan whose update deadline for it
    has passed (quarterly: after a quarter end). Never before the deadline; a month already
    snapshotted (closed, or reopened by the programme manager) is left as it is."""
    today = dates.today()
    period = dates.previous_month(today)
    if kind == "quarterly" and period.month not in (3, 6, 9, 12):
        return []
    return [
        snapshot_take(plan.pk, period.isoformat(), kind)
        for plan in Plan.objects.all()
        if today > plan.update_deadline(period)
    ]


@shared_task(**RETRY)
def import_job_run(job_id):
    """Thin: preview or import an uploaded plan (reports.import_jobs records progress on the job)."""
    from .import_jobs import import_job_execute

    import_job_execute(job_id)


@shared_task(**RETRY)
def import_uploads_sweep():
    """Daily: delete uploaded spreadsheets no longer needed (reports.import_jobs)."""
    from .import_jobs import import_uploads_sweep as sweep

    return sweep()
