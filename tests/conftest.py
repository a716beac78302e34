import datetime

import pytest

from plans import roles

from .factories import MilestoneFactory, PersonFactory, UserFactory


@pytest.fixture(autouse=True)
def piece_cache_dir(settings, tmp_path):
    """Each test has its own PDF piece cache: no test reuses pieces another laid out."""
    settings.REPORT_PIECE_CACHE_DIR = str(tmp_path / "pdf-pieces")
    return tmp_path / "pdf-pieces"


@pytest.fixture
def plan_today(settings):
    """Pin the app's 'today' to 4 Nov 2009, the day the seed report was generated."""
    settings.PLAN_TODAY = datetime.date(2009, 11, 4)
    return settings.PLAN_TODAY


@pytest.fixture
def users(db):
    """One user per role, plus a lead linked to a milestone and one with no milestones."""
    return {
        "programme_manager": UserFactory(username="pm", role=roles.PROGRAMME_MANAGER),
        "milestone_lead": UserFactory(username="lead", role=roles.MILESTONE_LEAD),
        "other_lead": UserFactory(username="otherlead", role=roles.MILESTONE_LEAD),
        "performance_officer": UserFactory(username="perf", role=roles.PERFORMANCE_OFFICER),
        "scrutiny_member": UserFactory(username="cllr", role=roles.SCRUTINY_MEMBER),
    }


@pytest.fixture
def milestone(users):
    """A milestone led by users['milestone_lead']."""
    lead = PersonFactory(name="Sarah Peel", user=users["milestone_lead"])
    PersonFactory(name="Other Lead", user=users["other_lead"])
    return MilestoneFactory(lead=lead)
