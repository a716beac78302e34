import pytest
from django.core.management import call_command

from plans.models import Plan


@pytest.fixture
def demo(users, plan_today, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    call_command("load_demo", "--no-users", "--second-council", "", stdout=open("/dev/null", "w"))
    return Plan.objects.get(name="Safeguarding Plan for Haringey")
