"""Property-based: random, oversized, odd-Unicode and script input to the forms and the import.
Never a server error, never stored script run on a page, always a clear message."""

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plans.importing import ImportRefused
from reports.transfer import plan_workbook_import
from tests.factories import default_organisation

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert('x')</script>"
texts = st.one_of(
    st.text(max_size=200),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1, max_size=50).map(
        lambda t: t * 200
    ),
    st.sampled_from(
        [SCRIPT, "<img src=x onerror=alert(1)>", "' OR 1=1 --", "\u202eevil", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "\x00", " ", "9" * 400]
    ),
)
dates = st.one_of(
    st.text(max_size=30), st.dates().map(str), st.sampled_from(["2009-02-30", "31/13/2009", "Oct-09", ""])
)
numbers = st.one_of(st.text(max_size=20), st.floats(allow_nan=True).map(str), st.integers().map(str))
FAST = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)


@FAST
@given(note=texts, reason=texts, month=dates, status=st.sampled_from(["achieved", "on_track", "not_on_track", "x", ""]))
def test_progress_update_form(client, users, milestone, plan_today, note, reason, month, status):
    client.force_login(users["milestone_lead"])
    url = reverse("milestones:update", args=[milestone.pk])
    response = client.post(url, {"reporting_month": month, "status": status, "note": note, "status_reason": reason})
    assert response.status_code in (200, 302)
    page = client.get(reverse("milestones:detail", args=[milestone.pk])).content.decode()
    assert SCRIPT not in page  # stored text is escaped


@FAST
@given(description=texts, due=dates, start=dates, order=numbers)
def test_milestone_form(client, users, milestone, description, due, start, order):
    client.force_login(users["programme_manager"])
    response = client.post(
        reverse("milestones:create", args=[milestone.action.pk]),
        {
            "description": description,
            "due_date": due,
            "planned_start": start,
            "lead": milestone.lead.pk,
            "order": order,
        },
    )
    assert response.status_code in (200, 302)
    assert SCRIPT not in client.get(reverse("milestones:plan", args=[milestone.action.plan.pk])).content.decode()


@FAST
@given(name=texts, email=texts, title=texts)
def test_person_form(client, users, name, email, title):
    client.force_login(users["programme_manager"])
    response = client.post(
        reverse("plans:person_create"), {"name": name, "email": email, "job_title": title, "agency": "NHS"}
    )
    assert response.status_code in (200, 302)
    assert SCRIPT not in client.get(reverse("plans:people")).content.decode()


@FAST
@given(value=numbers, numerator=numbers, denominator=numbers, period=dates, comment=texts)
def test_indicator_forms(client, users, value, numerator, denominator, period, comment):
    from .factories import IndicatorFactory

    indicator = IndicatorFactory()
    client.force_login(users["performance_officer"])
    response = client.post(
        reverse("indicators:value_create", args=[indicator.pk]),
        {"period": period, "value": value, "numerator": numerator, "denominator": denominator},
    )
    assert response.status_code in (200, 302)
    response = client.post(
        reverse("indicators:commentary_create", args=[indicator.pk]), {"period": period, "commentary": comment}
    )
    assert response.status_code in (200, 302)
    assert SCRIPT not in client.get(reverse("indicators:detail", args=[indicator.pk])).content.decode()


@FAST
@given(
    cells=st.lists(st.lists(st.one_of(texts, dates, numbers), min_size=1, max_size=10), max_size=6),
    raw=st.binary(max_size=300),
)
def test_import_never_crashes(plan_today, cells, raw):
    header = "Action,Action Lead,Milestones,Planned Start Date,Due Date,Status,Progress Note,Milestone Lead,Theme\n"
    body = "\n".join(",".join('"' + str(c).replace('"', '""') + '"' for c in row) for row in cells)
    for filename, content in (
        ("plan.csv", (header + body).encode("utf-8", "surrogatepass")),
        ("plan.xlsx", raw),
        ("plan.csv", raw),
    ):
        try:
            plan_workbook_import(
                plan_name="Fuzz", filename=filename, content=content, dry_run=True, owner=default_organisation()
            )
        except ImportRefused as refused:
            assert refused.problems and all(str(p) for p in refused.problems)


def test_oversized_upload_is_refused_with_a_message(client, users, settings):
    import io

    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = None
    client.force_login(users["programme_manager"])
    big = io.BytesIO(b"a," * (3 * 1024 * 1024))
    big.name = "plan.csv"
    html = client.post(reverse("reports:import"), {"plan": "Big", "file": big}).content.decode()
    assert "the limit is 5 MB" in html
