"""Every page × every role × two organisations: nobody reads or writes a plan they are not a member of.

Two councils, each with one plan holding one of every record. Each of Haringey's roles, and the
programme manager of Northbridge's plan (a plan-level membership), asks for every URL of the
app with the other council's ids, by GET and by a forged POST (CSRF not enforced, as if the
token were valid). The answer must be 403, 404 or 405, nothing may be written, and the other
council's names never appear on any page. Every URL is also read by every role with its own
council's ids: no server errors.
"""

import datetime

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from milestones.models import SlippageRecord
from plans import roles
from plans.models import GlossaryTerm, Organisation, PlanApproval, PlanVersion
from reports.models import CommitteePack, PackPublication, PackSection, RenderJob
from reports.snapshots import snapshot_create

from .factories import (
    IndicatorFactory,
    IndicatorValueFactory,
    IndicatorYearFactory,
    MilestoneFactory,
    OrganisationFactory,
    PersonFactory,
    PlanFactory,
    ProgressUpdateFactory,
    UserFactory,
    default_organisation,
)

pytestmark = pytest.mark.django_db

MARKER = "Northbridge"  # every name in the second council's plan carries it

# Which record each URL's ids refer to. A new URL must be added here, so it is swept too.
URL_OBJECTS = {
    "home": {},
    "login": None,  # signing in and out are not about a plan
    "logout": None,
    # Password reset and single sign-on: tested in tests/accounts/.
    "password_reset": None,
    "password_reset_done": None,
    "password_reset_confirm": None,
    "password_reset_complete": None,
    "oidc_authentication_init": None,
    "oidc_authentication_callback": None,
    "plans:list": {},
    "plans:create": {},
    "plans:about": {"pk": "plan"},
    "plans:edit": {"pk": "plan"},
    "plans:theme_create": {"plan_pk": "plan"},
    "plans:theme_edit": {"pk": "theme"},
    "plans:action_create": {"plan_pk": "plan"},
    "plans:action_edit": {"pk": "action"},
    "plans:version_create": {"plan_pk": "plan"},
    "plans:approval_create": {"plan_pk": "plan"},
    "plans:glossary_create": {"plan_pk": "plan"},
    "plans:glossary_edit": {"pk": "glossary"},
    "plans:people": {},
    "plans:person_create": {},
    "plans:person_edit": {"pk": "person"},
    "plans:members": {"pk": "plan"},
    "plans:member_invite": {"pk": "plan"},
    "plans:member_remove": {"pk": "membership"},
    "plans:invitation_resend": {"pk": "invitation"},
    "plans:invitation_accept": None,  # reached by a signed token, tested in tests/plans/test_invitations.py
    "milestones:plan": {"pk": "plan"},
    "milestones:mine": {},
    "milestones:sign_off": {},
    "milestones:review": {"pk": "update"},
    "milestones:detail": {"pk": "milestone"},
    "milestones:evidence": {"pk": "update"},
    "milestones:evidence_download": {"pk": "evidence"},
    "milestones:update": {"pk": "milestone"},
    "milestones:exception": {"pk": "milestone"},
    "milestones:edit": {"pk": "milestone"},
    "milestones:create": {"action_pk": "action"},
    "indicators:list": {"pk": "plan"},
    "indicators:create": {"plan_pk": "plan"},
    "indicators:section_create": {"plan_pk": "plan"},
    "indicators:comparator_create": {},
    "indicators:detail": {"pk": "indicator"},
    "indicators:edit": {"pk": "indicator"},
    "indicators:value_create": {"indicator_pk": "indicator"},
    "indicators:value_edit": {"pk": "value"},
    "indicators:year_create": {"indicator_pk": "indicator"},
    "indicators:year_edit": {"pk": "year"},
    "indicators:benchmark_create": {"indicator_pk": "indicator"},
    "indicators:benchmark_edit": {"pk": "benchmark"},
    "indicators:commentary_create": {"indicator_pk": "indicator"},
    "indicators:commentary_edit": {"pk": "commentary"},
    "recommendations:list": {"pk": "plan"},
    "recommendations:create": {"plan_pk": "plan"},
    "recommendations:detail": {"pk": "recommendation"},
    "recommendations:edit": {"pk": "recommendation"},
    "recommendations:source_create": {"plan_pk": "plan"},
    "recommendations:source_edit": {"pk": "source"},
    "reports:import": {},
    "reports:import_preview": {"token": "token"},
    "reports:export": {"pk": "plan"},
    "reports:dashboard": {"pk": "plan"},
    "reports:timeline": {"pk": "action"},
    "reports:report": {"pk": "plan", "kind": "kind"},
    "reports:report_pdf": {"pk": "plan", "kind": "kind"},
    "reports:job": {"pk": "job"},
    "reports:job_download": {"pk": "job"},
    "reports:snapshots": {"pk": "plan"},
    "reports:snapshot_take": {"pk": "plan"},
    "reports:snapshot": {"pk": "snapshot"},
    "reports:month_end": {"pk": "plan"},
    "reports:period_close": {"pk": "plan", "year": "close_year", "month": "close_month"},
    "reports:period_reopen": {"pk": "plan", "year": "close_year", "month": "close_month"},
    "reports:packs": {"pk": "plan"},
    "reports:pack_create": {"plan_pk": "plan"},
    "reports:pack": {"pk": "pack"},
    "reports:pack_edit": {"pk": "pack"},
    "reports:pack_document": {"pk": "pack"},
    "reports:pack_pdf": {"pk": "pack"},
    "reports:pack_cover_docx": {"pk": "pack"},
    "reports:section_create": {"pack_pk": "pack"},
    "reports:section_edit": {"pk": "section"},
    "reports:pack_publish": {"pk": "pack"},
    "reports:publication_withdraw": {"pk": "publication"},
    # Public by design (published packs only, no sign-in): tested in tests/reports/test_publishing.py.
    "reports:public_plan": None,
    "reports:public_pack": None,
    # The JSON API (tests/api/): the same plans, by session here (by token in tests/api/test_isolation.py).
    "api:api-root": {},
    "api:organisation-list": {},
    "api:organisation-detail": {"pk": "organisation"},
    "api:plan-list": {},
    "api:plan-detail": {"pk": "plan"},
    "api:theme-list": {},
    "api:theme-detail": {"pk": "theme"},
    "api:action-list": {},
    "api:action-detail": {"pk": "action"},
    "api:milestone-list": {},
    "api:milestone-detail": {"pk": "milestone"},
    "api:progress-update-list": {},
    "api:progress-update-detail": {"pk": "update"},
    "api:exception-list": {},
    "api:exception-detail": {"pk": "exception"},
    "api:indicator-list": {},
    "api:indicator-detail": {"pk": "indicator"},
    "api:indicator-value-list": {},
    "api:indicator-value-detail": {"pk": "value"},
    "api:snapshot-list": {},
    "api:snapshot-detail": {"pk": "snapshot"},
    "api:snapshot-milestones": {"pk": "snapshot"},
    "api:snapshot-indicators": {"pk": "snapshot"},
    "api:schema": {},
    "api:docs": {},
    "api:tokens": {},
    "api:token_revoke": None,  # a user's own tokens, not a plan's: tests/api/test_auth.py
}

# A forged POST carries plausible values for every form, so a missing check would write.
FORGED = {
    "name": f"{MARKER} forged",
    "term": "FORGED",
    "definition": "forged",
    "note": "forged",
    "status": "on_track",
    "reporting_month": "2009-10",
    "decision": "signed_off",
    "period": "2009-10",
    "kind": "monthly",
    "value": "1",
    "year": "2009",
    "target": "1",
    "ref": "9.99",
    "title": "forged",
    "description": "forged",
    "due_date": "2009-12-31",
    "label": "V9",
    "date": "2009-10-01",
    "body": "forged",
    "heading": "forged",
    "email": "forged@example.org",
    "role": roles.PROGRAMME_MANAGER,
}


def named_urls(resolver=None, namespace=""):
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from named_urls(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}"


def council(name, marker=""):
    """One plan with one of every record, its lead and an author."""
    organisation = Organisation.objects.get_or_create(name=name)[0]
    plan = PlanFactory(owner=organisation, name=f"{marker or name} plan", organisation=name)
    person = PersonFactory(owner=organisation, name=f"{marker or name} lead", email=f"lead@{name.lower()}.example")
    milestone = MilestoneFactory(
        action__plan=plan,
        action__theme__name=f"{marker or name} theme",
        action__action_lead=person,
        lead=person,
        description=f"{marker or name} milestone",
    )
    action = milestone.action
    author = UserFactory(username=f"{name.lower()}-author")
    update = ProgressUpdateFactory(milestone=milestone, author=author, note=f"{marker or name} note")
    exception = SlippageRecord.objects.create(milestone=milestone, reason_for_slippage=f"{marker or name} reason")
    indicator = IndicatorFactory(plan=plan, title=f"{marker or name} indicator", section__name=f"{marker} section")
    value = IndicatorValueFactory(indicator=indicator)
    year = IndicatorYearFactory(indicator=indicator)
    from indicators.models import Benchmark, Commentary, ComparatorGroup

    comparator = ComparatorGroup.objects.get_or_create(name="England")[0]
    benchmark = Benchmark.objects.create(indicator=indicator, comparator=comparator, year=2009, value=1)
    commentary = Commentary.objects.create(
        indicator=indicator, period=datetime.date(2009, 9, 1), commentary=f"{marker or name} commentary"
    )
    version = PlanVersion.objects.create(plan=plan, label="V1.0", date=datetime.date(2009, 7, 1))
    PlanApproval.objects.create(version=version, body=f"{marker or name} board", date=datetime.date(2009, 7, 2))
    glossary = GlossaryTerm.objects.create(plan=plan, term=f"{marker or name[:3]}T", definition="term")
    pack = CommitteePack.objects.create(
        plan=plan,
        meeting=f"{marker or name} scrutiny",
        meeting_date=datetime.date(2009, 12, 3),
        report_title=f"{marker or name} report",
        as_at=datetime.date(2009, 10, 1),
        appendices=["milestones"],
    )
    section = PackSection.objects.create(pack=pack, heading=f"{marker or name} section", body="text")
    publication = PackPublication.objects.create(pack=pack, pdf="published/forged.pdf")
    snapshot = snapshot_create(plan=plan, period=datetime.date(2009, 9, 1), kind="monthly")
    from recommendations.models import Recommendation, Source

    source = Source.objects.create(plan=plan, body="Ofsted", title=f"{marker or name} review")
    recommendation = Recommendation.objects.create(source=source, ref="1", text=f"{marker or name} recommendation")
    recommendation.actions.set([action])
    from milestones.models import Evidence

    evidence = Evidence.objects.create(
        update=update, title=f"{marker or name} evidence", url="https://example.org/e", added_by=author
    )
    job = RenderJob.objects.create(plan=plan, kind="milestones", state=RenderJob.State.QUEUED)
    manager = UserFactory(username=f"{name.lower()}-manager", role=roles.PROGRAMME_MANAGER, role__plan=plan)
    membership = manager.memberships.get()
    invitation = None
    invitation_model = apps.get_model("plans", "Invitation") if "invitation" in apps.all_models["plans"] else None
    if invitation_model:
        invitation = invitation_model.objects.create(
            plan=plan, email=f"new@{name.lower()}.example", role=roles.SCRUTINY_MEMBER, invited_by=manager
        )
    return {
        "organisation": organisation,
        "exception": exception,
        "plan": plan,
        "theme": action.theme,
        "action": action,
        "milestone": milestone,
        "update": update,
        "person": person,
        "glossary": glossary,
        "indicator": indicator,
        "value": value,
        "year": year,
        "benchmark": benchmark,
        "commentary": commentary,
        "pack": pack,
        "section": section,
        "publication": publication,
        "snapshot": snapshot,
        "job": job,
        "membership": membership,
        "invitation": invitation,
        "manager": manager,
        "source": source,
        "evidence": evidence,
        "recommendation": recommendation,
        "kind": "milestones",
        "close_year": 2009,
        "close_month": 10,
        "token": "0123456789abcdef.xlsx",
    }


@pytest.fixture
def councils(users, plan_today):
    haringey = council(default_organisation().name)
    northbridge = council("Northbridge Borough Council", MARKER)
    return haringey, northbridge


def url_for(name, objects):
    from django.urls import reverse

    spec = URL_OBJECTS[name]
    return reverse(name, kwargs={key: getattr(objects[record], "pk", objects[record]) for key, record in spec.items()})


def row_counts():
    skip = {"axes", "sessions", "admin", "contenttypes"}
    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models()
        if model._meta.app_label not in skip
    }


def test_every_url_is_in_the_sweep():
    assert set(named_urls()) - set(URL_OBJECTS) == set()


def sweep_as(user, foreign, marker=MARKER):
    client = Client()
    client.force_login(user)
    leaks = []
    for name, spec in URL_OBJECTS.items():
        if not spec:  # no ids: lists and forms outside any plan, read below for the marker
            continue
        url = url_for(name, foreign)
        for method in ("get", "post"):
            response = getattr(client, method)(url, FORGED if method == "post" else None)
            allowed = {403, 404, 405}
            if name == "reports:import_preview":
                allowed.add(302)  # an upload that is not in this user's session goes back to the upload page
            if response.status_code not in allowed:
                leaks.append((user.username, method.upper(), name, response.status_code))
    for name, spec in URL_OBJECTS.items():
        if spec == {}:
            response = client.get(url_for(name, foreign), follow=True)
            if response.status_code >= 500 or marker.encode() in response.content:
                leaks.append((user.username, "GET", name, response.status_code, "shows the other council"))
    return leaks


def test_no_role_reads_or_writes_another_councils_plan(councils, users):
    haringey, northbridge = councils
    before = row_counts()
    leaks = []
    for user in users.values():
        leaks += sweep_as(user, northbridge)
    leaks += sweep_as(haringey["manager"], northbridge)
    assert leaks == []
    assert row_counts() == before


def test_a_plan_level_manager_sees_only_their_plan(councils):
    haringey, northbridge = councils
    assert list(roles.visible_plans(northbridge["manager"])) == [northbridge["plan"]]
    assert sweep_as(northbridge["manager"], haringey, marker="Haringey") == []


def test_every_page_of_your_own_plan_answers_every_role_without_error(councils, users):
    haringey, _ = councils
    errors = []
    for user in [*users.values(), haringey["manager"]]:
        client = Client()
        client.force_login(user)
        for name, spec in URL_OBJECTS.items():
            if spec is None:
                continue
            response = client.get(url_for(name, haringey))
            if response.status_code >= 500:
                errors.append((user.username, name, response.status_code))
    assert errors == []


def test_a_user_without_any_membership_sees_no_plan(councils):
    stranger = get_user_model().objects.create_user("stranger", password="pw")
    client = Client()
    client.force_login(stranger)
    assert client.get(url_for("milestones:plan", councils[0])).status_code == 404
    assert MARKER.encode() not in client.get("/plans/").content
    assert b"Haringey" not in client.get("/people/").content


def test_one_person_can_lead_in_one_plan_and_scrutinise_another(councils):
    haringey, northbridge = councils
    user = UserFactory(username="both", role=roles.MILESTONE_LEAD, role__plan=haringey["plan"])
    from plans.models import Membership

    Membership.objects.create(
        user=user, organisation=northbridge["plan"].owner, plan=northbridge["plan"], role=roles.SCRUTINY_MEMBER
    )
    assert roles.plan_roles(user, haringey["plan"]) == {roles.MILESTONE_LEAD}
    assert roles.plan_roles(user, northbridge["plan"]) == {roles.SCRUTINY_MEMBER}
    assert user.has_perm("plans.download_documents", northbridge["plan"])
    assert not user.has_perm("plans.download_documents", haringey["plan"])
    assert not user.has_perm("plans.change_plan", northbridge["plan"])


def test_scrutiny_members_cannot_export_contact_details(councils, users):
    client = Client()
    client.force_login(users["scrutiny_member"])
    assert client.get(url_for("reports:export", councils[0])).status_code == 403
    client.force_login(users["programme_manager"])
    response = client.get(url_for("reports:export", councils[0]))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.xlsx"')


def test_the_export_lists_only_the_plans_own_people(councils, users):
    import io

    from openpyxl import load_workbook

    from reports.transfer import plan_export

    workbook = load_workbook(io.BytesIO(plan_export(councils[0]["plan"])))
    names = [row[0] for row in workbook["People"].iter_rows(min_row=2, values_only=True)]
    assert names and not [name for name in names if MARKER in str(name)]


def test_organisation_factory_names_are_unique():
    assert OrganisationFactory().name != OrganisationFactory().name


BAD_PARAMETERS = [
    {"snapshot": "abc"},
    {"snapshot": "99999999999999999999"},
    {"snapshot": "-1"},
    {"as_at": "not-a-month"},
    {"as_at": "1900-01"},
    {"as_at": "2009-13"},
    {"page": "-1"},
    {"page": "abc"},
    {"page": "999999"},
    {"status": "sideways"},
    {"theme": "abc"},
    {"lead": "'; DROP TABLE"},
    {"due_after": "31/02/2009", "due_before": "yesterday"},
    {"overdue": "maybe"},
    {"live": "\x00"},
    {"next": "//evil.example"},
    {"format": "exe"},
]


def test_bad_query_parameters_never_cause_a_server_error(councils, users):
    """Every page of one's own plan with nonsense in the query string: a 400 or the parameter
    ignored, never a 500."""
    haringey, _ = councils
    client = Client(raise_request_exception=False)
    client.force_login(users["programme_manager"])
    errors = []
    for name, spec in URL_OBJECTS.items():
        if spec is None or name in ("reports:export", "reports:job_download"):
            continue
        url = url_for(name, haringey)
        for parameters in BAD_PARAMETERS:
            status = client.get(url, parameters).status_code
            if status >= 500:
                errors.append((name, parameters, status))
    assert errors == []
