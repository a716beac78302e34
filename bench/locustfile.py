"""Load scenario: leads updating (in the app and through the API), readers on the plan page,
dashboard and exception report, API readers (milestones, snapshot rows, indicators), a PDF every
10 s, and someone signing in every 5 s.

Run by bench/load_test.sh against gunicorn + PostgreSQL on loopback; bounded in users and time.
The page users start signed in (sessions made by bench/setup_load.py), as staff are at the
month-end rush; sign-ins are measured on their own, at a steady rate.
"""

import json
import random
import re
from pathlib import Path

from locust import HttpUser, between, constant, task

PLAN = "/plans/{plan}/"
SESSIONS = json.loads((Path(__file__).parent / ".sessions.json").read_text())


def signed_in(user, username):
    """Give this simulated user its own signed-in session."""
    pool = SESSIONS[username]
    key = pool.pop() if len(pool) > 1 else pool[0]
    user.client.cookies.set("sessionid", key)


def page(client, url, name):
    """GET a page; a redirect (to the sign-in page, say) counts as a failure, not as a fast page."""
    with client.get(url, name=name, allow_redirects=False, catch_response=True) as response:
        if response.status_code != 200:
            response.failure(f"{response.status_code} instead of the page")
        return response


def login(client, username):
    form = client.get("/accounts/login/", name="login page")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
    client.post(
        "/accounts/login/",
        {"username": username, "password": "load-test-password", "csrfmiddlewaretoken": token},
        headers={"Referer": client.base_url + "/accounts/login/"},
        name="log in",
    )


def api_token(user, username):
    """Give this simulated API user its own token (the API's rate limit is per token)."""
    pool = SESSIONS["_tokens"][username]
    key = pool.pop() if len(pool) > 1 else pool[0]
    user.client.headers["Authorization"] = f"Bearer {key}"


class Lead(HttpUser):
    """A milestone lead adding monthly updates."""

    weight = 16
    wait_time = between(1, 3)

    def on_start(self):
        self.number = random.randint(1, 20)
        signed_in(self, f"lead{self.number}")
        mine = page(self.client, "/my-milestones/", "my milestones")
        self.milestones = sorted(set(re.findall(r'href="/milestones/(\d+)/update/"', mine.text)))

    @task
    def update(self):
        if not self.milestones:
            return
        pk = random.choice(self.milestones)
        form = page(self.client, f"/milestones/{pk}/update/", "update form")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
        self.client.post(
            f"/milestones/{pk}/update/",
            {
                "reporting_month": "2009-11",
                "status": "not_on_track",
                "note": "Load test: waiting on partners",
                "csrfmiddlewaretoken": token,
            },
            headers={"Referer": f"{self.client.base_url}/milestones/{pk}/update/"},
            name="submit update",
        )


class Reader(HttpUser):
    """Scrutiny members reading the plan page and the dashboard."""

    weight = 22
    wait_time = between(1, 3)

    def on_start(self):
        signed_in(self, "reader")

    @task(1)
    def exception_report(self):
        page(self.client, f"/plans/{self.environment.parsed_options.plan_id}/reports/exceptions/", "exception report")

    @task(2)
    def plan_page(self):
        page(self.client, PLAN.format(plan=self.environment.parsed_options.plan_id), "plan page")

    @task(2)
    def dashboard(self):
        page(self.client, f"/plans/{self.environment.parsed_options.plan_id}/dashboard/", "dashboard")

    @task(1)
    def milestone(self):
        page(self.client, "/my-milestones/", "my milestones (reader)")


class ApiReader(HttpUser):
    """A council's own system reading the API: a page of the plan's milestones, snapshot rows, indicators."""

    weight = 6
    wait_time = between(1, 3)

    def on_start(self):
        api_token(self, "reader")
        self.plan = self.environment.parsed_options.plan_id

    @task(2)
    def milestones(self):
        page(self.client, f"/api/v1/milestones/?plan={self.plan}", "API milestones (100 a page)")

    @task(1)
    def overdue(self):
        page(self.client, f"/api/v1/milestones/?plan={self.plan}&overdue=true", "API overdue milestones")

    @task(1)
    def snapshot_rows(self):
        page(self.client, f"/api/v1/milestones/?snapshot={SESSIONS['_snapshot']}", "API snapshot rows")

    @task(1)
    def indicators(self):
        page(self.client, f"/api/v1/indicators/?plan={self.plan}", "API indicators")


class ApiLead(HttpUser):
    """A lead's update sent from another system with their API token."""

    weight = 4
    wait_time = between(1, 3)

    def on_start(self):
        username = f"lead{random.randint(1, 20)}"
        api_token(self, username)
        self.milestones = SESSIONS["_milestones"][username]

    @task(2)
    def update(self):
        if not self.milestones:
            return
        with self.client.post(
            "/api/v1/progress-updates/",
            json={
                "milestone": random.choice(self.milestones),
                "reporting_month": "2009-11",
                "status": "not_on_track",
                "note": "Load test (API): waiting on partners",
            },
            name="API submit update",
            catch_response=True,
        ) as response:
            if response.status_code != 201:
                response.failure(f"{response.status_code}: {response.text[:200]}")

    @task(1)
    def not_on_track(self):
        plan = self.environment.parsed_options.plan_id
        page(self.client, f"/api/v1/milestones/?plan={plan}&status=not_on_track", "API not-on-track milestones")


class PdfRequester(HttpUser):
    """The programme manager asking for a report PDF every 10 seconds (built off the request)."""

    weight = 1
    fixed_count = 1
    wait_time = constant(10)

    def on_start(self):
        signed_in(self, "manager")

    @task
    def pdf(self):
        plan = self.environment.parsed_options.plan_id
        report = page(self.client, f"/plans/{plan}/reports/exceptions/", "report page")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', report.text).group(1)
        self.client.post(
            f"/plans/{plan}/reports/exceptions/pdf/",
            {"csrfmiddlewaretoken": token},
            headers={"Referer": f"{self.client.base_url}/plans/{plan}/reports/exceptions/"},
            name="ask for a PDF",
        )


class Arrival(HttpUser):
    """Someone signing in every 5 s: the password check is deliberately slow (PBKDF2, 1,000,000 rounds)."""

    fixed_count = 1
    wait_time = constant(5)

    @task
    def sign_in(self):
        self.client.cookies.clear()
        login(self.client, f"lead{random.randint(1, 20)}")


from locust import events  # noqa: E402


@events.init_command_line_parser.add_listener
def _(parser):
    parser.add_argument("--plan-id", type=int, default=1)
