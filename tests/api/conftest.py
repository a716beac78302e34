import datetime

import pytest
from django.core.cache import cache
from django.test import Client

from api.models import ApiToken
from milestones.status import Status
from plans import roles
from plans.models import Organisation
from tests.factories import (
    ActionFactory,
    IndicatorFactory,
    IndicatorValueFactory,
    IndicatorYearFactory,
    MilestoneFactory,
    PersonFactory,
    PlanFactory,
    ProgressUpdateFactory,
    UserFactory,
)


@pytest.fixture(autouse=True)
def fresh_cache():
    """Rate-limit counters live in the cache: each test starts with none."""
    cache.clear()
    yield
    cache.clear()


def token_client(user, name="test"):
    _, key = ApiToken.issue(user, name)
    return Client(headers={"Authorization": f"Bearer {key}"})


@pytest.fixture
def api(users):
    """Clients authenticated by token, one per role (no session)."""
    return {role: token_client(user) for role, user in users.items()}


@pytest.fixture
def plan_data(users, plan_today):
    """A Haringey plan with two actions, three milestones (one led by users['milestone_lead']),
    progress, an exception, an indicator with figures and a target."""
    plan = PlanFactory(name="Haringey plan")
    sarah = PersonFactory(name="Sarah Peel", user=users["milestone_lead"], agency="Council")
    nurse = PersonFactory(name="Nina Nurse", agency="NHS")
    first = ActionFactory(plan=plan, ref="1.01", theme__name="Leadership", action_lead=sarah)
    second = ActionFactory(plan=plan, ref="2.01", theme__name="Practice", action_lead=nurse)
    mine = MilestoneFactory(
        action=first, lead=sarah, description="Recruit managers", due_date=datetime.date(2009, 10, 31)
    )
    done = MilestoneFactory(
        action=first, lead=sarah, description="Publish protocol", due_date=datetime.date(2009, 9, 30)
    )
    later = MilestoneFactory(
        action=second, lead=nurse, description="Train health visitors", due_date=datetime.date(2010, 3, 31)
    )
    ProgressUpdateFactory(milestone=mine, reporting_month=datetime.date(2009, 9, 1), status=Status.ON_TRACK, note="Sep")
    ProgressUpdateFactory(
        milestone=mine, reporting_month=datetime.date(2009, 10, 1), status=Status.NOT_ON_TRACK, note="=HYPERLINK(1)"
    )
    ProgressUpdateFactory(
        milestone=done, reporting_month=datetime.date(2009, 9, 1), status=Status.ACHIEVED, note="Done"
    )
    from milestones.models import SlippageRecord

    SlippageRecord.objects.create(milestone=mine, reason_for_slippage="Recruitment freeze")
    indicator = IndicatorFactory(plan=plan, code="NI 59", title="Initial assessments", ytd_method="latest")
    IndicatorYearFactory(indicator=indicator, year=2009, target=60, tolerance=5)
    IndicatorValueFactory(indicator=indicator, period=datetime.date(2009, 8, 1), value=50)
    IndicatorValueFactory(indicator=indicator, period=datetime.date(2009, 9, 1), value=58)
    return {
        "plan": plan,
        "mine": mine,
        "done": done,
        "later": later,
        "sarah": sarah,
        "nurse": nurse,
        "first": first,
        "second": second,
        "indicator": indicator,
    }


@pytest.fixture
def northbridge(plan_today):
    """A second council's plan, its programme manager and one milestone with progress."""
    council = Organisation.objects.create(name="Northbridge Borough Council")
    plan = PlanFactory(owner=council, name="Northbridge plan", organisation="Northbridge")
    lead = PersonFactory(owner=council, name="Northbridge lead")
    milestone = MilestoneFactory(
        action__plan=plan, action__theme__name="Northbridge theme", action__action_lead=lead, lead=lead
    )
    ProgressUpdateFactory(milestone=milestone, note="Northbridge note")
    from milestones.models import SlippageRecord

    exception = SlippageRecord.objects.create(milestone=milestone, reason_for_slippage="Northbridge reason")
    indicator = IndicatorFactory(plan=plan, title="Northbridge indicator")
    value = IndicatorValueFactory(indicator=indicator)
    manager = UserFactory(username="nb-manager", role=roles.PROGRAMME_MANAGER, role__plan=plan)
    return {
        "council": council,
        "plan": plan,
        "milestone": milestone,
        "action": milestone.action,
        "theme": milestone.action.theme,
        "update": milestone.updates.get(),
        "exception": exception,
        "indicator": indicator,
        "value": value,
        "manager": manager,
    }


def rows(response):
    assert response.status_code == 200, response.content
    return response.json()["results"]


def query_counts(requests):
    """{name: queries} for each (client, url), asked twice and counted the second time (caches warm)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    result = {}
    for name, (client, url) in requests.items():
        assert client.get(url).status_code == 200, name
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200, name
        result[name] = len(queries)
    return result
