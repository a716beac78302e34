"""Single requests without load: best of N wall time and query count per page and API list, as the
programme manager, a lead and an API token. Run with manage.py shell after bench/setup_load.py (or on a
generate_organisations database: set BENCH_ORG to an organisation's name).

    PLAN_TODAY=2009-11-04 .venv/bin/python manage.py shell < bench/single_requests.py
"""

import os
import time

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from api.models import ApiToken
from plans.models import Plan

User = get_user_model()
org = os.environ.get("BENCH_ORG")
if org:
    plan = Plan.objects.get(owner__name=org)
    slug = org.lower().replace(" ", "-")
    manager, lead = User.objects.get(username=f"{slug}-pm"), User.objects.get(username=f"{slug}-lead")
else:
    plan = Plan.objects.get(name="Load test plan")
    manager, lead = User.objects.get(username="manager"), User.objects.get(username="lead1")
snapshot = plan.snapshots.first()
clients = {}
for name, user in (("manager", manager), ("lead", lead)):
    clients[name] = Client(HTTP_HOST="localhost")
    clients[name].force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    clients[f"{name} API"] = Client(
        HTTP_HOST="localhost", headers={"Authorization": f"Bearer {ApiToken.issue(user, 'bench')[1]}"}
    )
requests = [
    ("plan page", "manager", f"/plans/{plan.pk}/"),
    ("plan page, lead", "lead", f"/plans/{plan.pk}/"),
    ("My milestones, lead", "lead", "/my-milestones/"),
    ("dashboard", "manager", f"/plans/{plan.pk}/dashboard/"),
    ("exception report page", "manager", f"/plans/{plan.pk}/reports/exceptions/"),
    ("API milestones (100)", "manager API", f"/api/v1/milestones/?plan={plan.pk}"),
    ("API milestones, all plans", "manager API", "/api/v1/milestones/"),
    ("API overdue milestones", "manager API", f"/api/v1/milestones/?plan={plan.pk}&overdue=true"),
    ("API milestones as at Oct", "manager API", f"/api/v1/milestones/?plan={plan.pk}&as_at=2009-10"),
    ("API indicators", "manager API", f"/api/v1/indicators/?plan={plan.pk}"),
]
if snapshot:
    requests.append(("API snapshot rows", "manager API", f"/api/v1/milestones/?snapshot={snapshot.pk}"))
runs = int(os.environ.get("BENCH_RUNS", "3"))
# CPU ms: this process's CPU time (not the database's), steadier than wall time on a busy machine.
print(f"{'request':<28}{'best ms':>9}{'CPU ms':>8}{'queries':>9}")
for name, who, url in requests:
    client = clients[who]
    times, cpu = [], []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as queries:
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
        assert response.status_code == 200, (name, response.status_code)
    print(f"{name:<28}{min(times):>9.0f}{min(cpu):>8.0f}{len(queries):>9}")
