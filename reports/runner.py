"""The one runner of background jobs (PDF builds and imports): never inside the request.

REPORT_JOB_RUNNER says how: "inline" (tests: at once, in the caller's thread), "thread" (the
embedded default with no broker: a daemon thread), else "celery" (the job's task on the broker).
"""

import threading

from django.conf import settings
from django.db import connections


def run_job(job_id, *, execute, enqueue):
    """Run `execute(job_id)` as configured; `enqueue()` puts the job's task on the broker."""
    runner = getattr(settings, "REPORT_JOB_RUNNER", "celery")
    if runner == "inline":
        execute(job_id)
    elif runner == "thread":
        threading.Thread(target=_in_thread, args=(execute, job_id), daemon=True).start()
    else:
        enqueue()


def _in_thread(execute, job_id):
    try:
        execute(job_id)
    finally:
        connections.close_all()  # this thread ends here: its connections would not be reused
