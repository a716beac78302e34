"""The API's pages in a real browser: Swagger UI runs under the site's CSP; the tokens page is accessible."""

import pytest

from .conftest import serious_violations

pytestmark = pytest.mark.django_db(transaction=True)


def test_swagger_ui_runs_under_the_csp(login, demo_site):
    page = login("councillor")
    problems = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto(f"{demo_site}/api/docs/")
    page.wait_for_selector(".swagger-ui .info .title", timeout=15000)
    assert "Plan Tracker API" in page.inner_text(".swagger-ui .info .title")
    page.wait_for_selector("text=/api/v1/milestones/", timeout=15000)
    assert [p for p in problems if "Content Security Policy" in p or "Refused" in p] == []


def test_the_tokens_page_creates_a_key_and_is_accessible(login, demo_site):
    page = login("performance")
    page.goto(f"{demo_site}/api/tokens/")
    page.get_by_label("Token name").fill("Nightly figures")
    page.get_by_role("button", name="Create token").click()
    page.wait_for_load_state()
    assert page.get_by_label("New API key").input_value().startswith("pt_")
    assert serious_violations(page) == []
