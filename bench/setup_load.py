"""Prepare the load-test database: the 2,000-milestone plan (with 60 indicators and an October snapshot)
with 20 lead logins, a reader and a manager, each with signed-in sessions and API tokens, and each lead's
milestones (written to bench/.sessions.json for locust)."""

import datetime
import json
import time
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client

from api.models import ApiToken
from milestones.generated import generated_plan_create
from milestones.models import Milestone
from plans import roles
from plans.models import Membership, Organisation, Plan
from reports.bench import bench_indicators_create
from reports.snapshots import snapshot_create
from safeguarding.sessions import REFRESHED_AT

User = get_user_model()
PASSWORD = "load-test-password"  # nosec B105: loopback load test only


council, _ = Organisation.objects.get_or_create(name="Load test council")


def make(username, role):
    user, _ = User.objects.get_or_create(username=username)
    user.set_password(PASSWORD)
    user.save()
    Membership.objects.get_or_create(user=user, organisation=council, plan=None, role=role)
    return user


plan = Plan.objects.filter(name="Load test plan").first()
if plan is None:
    leads = [make(f"lead{n}", roles.MILESTONE_LEAD) for n in range(1, 21)]
    plan = generated_plan_create(milestones=2000, name="Load test plan", lead_users=leads, owner=council)
    bench_indicators_create(plan)
    snapshot_create(plan=plan, period=datetime.date(2009, 10, 1), kind="monthly")
make("reader", roles.SCRUTINY_MEMBER)
make("manager", roles.PROGRAMME_MANAGER)


def signed_in(user):
    """A session as a real login leaves it (with the time safeguarding.sessions last saved it), so the
    run measures pages, not 50 password hashes at once."""
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    session[REFRESHED_AT] = int(time.time())
    session.save()
    return client.cookies[settings.SESSION_COOKIE_NAME].value


users = User.objects.filter(username__in=["reader", "manager", *(f"lead{n}" for n in range(1, 21))])
# One session per simulated user: 49 page users and the PDF requester; one API token each too
# (the API's rate limit is per token).
sessions = {u.username: [signed_in(u) for _ in range(50 if u.username == "reader" else 3)] for u in users}
tokens = {
    u.username: [ApiToken.issue(u, f"load test {n}")[1] for n in range(20 if u.username == "reader" else 3)]
    for u in users
}
mine = {
    u.username: list(Milestone.objects.led_by(u).filter(action__plan=plan).values_list("pk", flat=True)[:200])
    for u in users
    if u.username.startswith("lead")
}
Path("bench/.sessions.json").write_text(
    json.dumps({**sessions, "_tokens": tokens, "_milestones": mine, "_snapshot": plan.snapshots.get().pk})
)
print(plan.pk)
