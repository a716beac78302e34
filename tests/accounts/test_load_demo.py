"""The demo loader never runs on a production site: its logins have a published password."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from plans.models import Plan

from ..test_security import PRODUCTION_ENV, run_manage

pytestmark = pytest.mark.django_db


def test_load_demo_refuses_when_production_is_set(settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="Refusing to load the demo on a production site"):
        call_command("load_demo", stdout=open("/dev/null", "w"))
    assert not get_user_model().objects.exists()
    assert not Plan.objects.exists()


def test_load_demo_exits_non_zero_with_one_line_under_production_settings(tmp_path):
    env = {**PRODUCTION_ENV, "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}"}
    result = run_manage("load_demo", env=env)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1] == (
        "CommandError: Refusing to load the demo on a production site (PRODUCTION is set): "
        "it creates a superuser with the published demo password."
    )
