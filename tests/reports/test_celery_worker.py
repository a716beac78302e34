"""End to end: a real Celery worker, on the real Redis broker that .ci/run starts, takes a snapshot."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from reports.models import Snapshot
from reports.tasks import snapshot_take

from ..factories import MilestoneFactory

needs_services = pytest.mark.skipif(
    not settings.CELERY_BROKER_URL or not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="needs the Redis broker and the PostgreSQL database that .ci/run starts",
)


def database_url():
    db = connection.settings_dict
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@needs_services
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_takes_a_snapshot_through_the_broker():
    assert not settings.CELERY_TASK_ALWAYS_EAGER  # not eager mode: the task goes through Redis
    plan = MilestoneFactory().action.plan
    queue = f"test-{uuid.uuid4().hex}"
    env = {**os.environ, "DATABASE_URL": database_url(), "DJANGO_SETTINGS_MODULE": "safeguarding.settings"}
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "safeguarding",
            "worker",
            "-Q",
            queue,
            "--pool",
            "solo",
            "-l",
            "warning",
        ],
        cwd=Path(settings.BASE_DIR),
        env=env,
    )
    try:
        snapshot_take.apply_async(args=[plan.pk, "2009-10-01", "monthly"], queue=queue)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and not Snapshot.objects.filter(plan=plan).exists():
            assert worker.poll() is None, "the worker exited"
            time.sleep(0.5)
        snapshot = Snapshot.objects.get(plan=plan)
        assert snapshot.by_schedule and snapshot.milestones.count() == 1
    finally:
        worker.terminate()
        worker.wait(timeout=30)
