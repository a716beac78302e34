"""Backup and restore: the documented dumpdata/loaddata pair gives back the same reports."""

import datetime

import pytest
from django.core.management import call_command

from plans.models import Plan
from reports import rendering

pytestmark = pytest.mark.django_db(transaction=True)

BACKUP = [
    "--natural-foreign",
    "--natural-primary",
    "-e",
    "contenttypes",
    "-e",
    "auth.permission",
    "-e",
    "sessions",
    "-e",
    "axes",
]


def all_reports(plan):
    month = datetime.date(2009, 10, 1)
    parts = [
        rendering.report_part(kind, plan, month) for kind in ("milestones", "exceptions", "indicators", "glossary")
    ]
    return rendering.render_html(parts, "backup check").replace(f"/plans/{plan.pk}/", "/plans/N/")


def test_a_restored_database_gives_the_same_reports(tmp_path, settings):
    settings.PLAN_TODAY = datetime.date(2009, 11, 4)
    call_command("load_demo", stdout=open("/dev/null", "w"))
    before = all_reports(Plan.objects.get(name="Safeguarding Plan for Haringey"))
    backup = tmp_path / "backup.json"
    call_command("dumpdata", *BACKUP, "--output", str(backup), verbosity=0)
    call_command("flush", "--no-input", verbosity=0)
    assert not Plan.objects.exists()
    call_command("loaddata", str(backup), verbosity=0)
    assert all_reports(Plan.objects.get(name="Safeguarding Plan for Haringey")) == before
