"""One write path: every create or edit of a plan record, an indicator record or a pack goes through
a service that checks the object permission, validates (full_clean), refuses duplicates in plain
English and figures for locked or future months, and records who made the change."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from indicators import services as indicator_services
from indicators.models import Benchmark, Commentary, ComparatorGroup, Indicator, IndicatorValue, IndicatorYear, Section
from plans import roles
from plans import services as plan_services
from plans.models import (
    Action,
    ConcurrentEdit,
    GlossaryTerm,
    LockedMonth,
    Organisation,
    Person,
    Plan,
    PlanApproval,
    PlanVersion,
    Theme,
)
from reports import services as report_services
from reports.models import CommitteePack, PackSection

from .factories import (
    ActionFactory,
    IndicatorFactory,
    IndicatorValueFactory,
    IndicatorYearFactory,
    PersonFactory,
    PlanFactory,
    ThemeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

SEP, OCT, NOV, DEC = (datetime.date(2009, month, 1) for month in (9, 10, 11, 12))
MODELS = (
    Plan,
    Theme,
    Action,
    Person,
    GlossaryTerm,
    PlanVersion,
    PlanApproval,
    Section,
    ComparatorGroup,
    Indicator,
    IndicatorValue,
    IndicatorYear,
    Benchmark,
    Commentary,
    CommitteePack,
    PackSection,
)


def everything():
    return [list(model.objects.order_by("pk").values()) for model in MODELS]


@pytest.fixture
def world(users, plan_today):
    """Our plan (of the default organisation, whose programme manager is users['programme_manager'])
    and an outsider: the programme manager of a second organisation's plan."""
    plan = PlanFactory(name="Haringey plan")
    other_plan = PlanFactory(name="Enfield plan", owner=Organisation.objects.create(name="Enfield Council"))
    outsider = UserFactory(username="enfield_pm", role=roles.PROGRAMME_MANAGER, role__plan=other_plan)
    theme = ThemeFactory(plan=plan, name="Leadership")
    lead = PersonFactory(name="Sarah Peel")
    action = ActionFactory(plan=plan, theme=theme, ref="1.01", action_lead=lead)
    indicator = IndicatorFactory(plan=plan, code="NI 65", unit="percentage")
    england = ComparatorGroup.objects.create(name="England")
    version = PlanVersion.objects.create(plan=plan, label="V1.0", date=datetime.date(2009, 6, 1))
    term = GlossaryTerm.objects.create(plan=plan, term="JAR", definition="Joint Area Review")
    pack = CommitteePack.objects.create(
        plan=plan, meeting="Cabinet", meeting_date=datetime.date(2009, 12, 3), report_title="Progress", as_at=OCT
    )
    section = PackSection.objects.create(pack=pack, heading="Introduction", body="Text")
    return {**locals(), "manager": users["programme_manager"], "organisation": plan.owner}


def calls(w):
    """Each service with arguments that the plan's programme manager may use."""
    return {
        "plan_create": (plan_services.plan_create, {"owner": w["organisation"], "name": "Second plan"}),
        "plan_update": (plan_services.plan_update, {"plan": w["plan"], "purpose": "Keep children safe"}),
        "theme_create": (plan_services.theme_create, {"plan": w["plan"], "name": "Workforce"}),
        "theme_update": (plan_services.theme_update, {"theme": w["theme"], "name": "Leadership and management"}),
        "action_create": (
            plan_services.action_create,
            {"plan": w["plan"], "ref": "1.02", "title": "Audit", "theme": w["theme"], "action_lead": w["lead"]},
        ),
        "action_update": (plan_services.action_update, {"action": w["action"], "title": "Audit cases"}),
        "person_create": (plan_services.person_create, {"owner": w["organisation"], "name": "Ann Lead"}),
        "person_update": (plan_services.person_update, {"person": w["lead"], "job_title": "Head of service"}),
        "glossary_term_create": (
            plan_services.glossary_term_create,
            {"plan": w["plan"], "term": "LSCB", "definition": "Local Safeguarding Children Board"},
        ),
        "glossary_term_update": (plan_services.glossary_term_update, {"entry": w["term"], "definition": "Changed"}),
        "plan_version_create": (
            plan_services.plan_version_create,
            {"plan": w["plan"], "label": "V1.1", "date": datetime.date(2009, 9, 1)},
        ),
        "plan_approval_create": (
            plan_services.plan_approval_create,
            {"plan": w["plan"], "version": w["version"], "body": "Cabinet", "date": datetime.date(2009, 7, 1)},
        ),
        "section_create": (indicator_services.section_create, {"plan": w["plan"], "name": "Looked after children"}),
        "indicator_create": (
            indicator_services.indicator_create,
            {
                "plan": w["plan"],
                "code": "NI 64",
                "title": "Plans lasting two years",
                "section": w["indicator"].section,
                "polarity": "lower",
            },
        ),
        "indicator_update": (indicator_services.indicator_update, {"indicator": w["indicator"], "title": "Repeat"}),
        "indicator_value_upsert": (
            indicator_services.indicator_value_upsert,
            {"indicator": w["indicator"], "period": OCT, "value": Decimal("9.5")},
        ),
        "indicator_year_upsert": (
            indicator_services.indicator_year_upsert,
            {"indicator": w["indicator"], "year": 2009, "target": Decimal("10")},
        ),
        "benchmark_upsert": (
            indicator_services.benchmark_upsert,
            {"indicator": w["indicator"], "year": 2008, "comparator": w["england"], "value": Decimal("13")},
        ),
        "commentary_upsert": (
            indicator_services.commentary_upsert,
            {"indicator": w["indicator"], "period": OCT, "commentary": "Numbers are small."},
        ),
        "pack_create": (
            report_services.pack_create,
            {
                "plan": w["plan"],
                "meeting": "Overview & Scrutiny",
                "meeting_date": datetime.date(2010, 1, 14),
                "report_title": "Progress",
                "as_at": NOV,
            },
        ),
        "pack_update": (report_services.pack_update, {"pack": w["pack"], "summary": "All on track."}),
        "pack_section_create": (
            report_services.pack_section_create,
            {"pack": w["pack"], "heading": "Legal comments", "body": "None."},
        ),
        "pack_section_update": (report_services.pack_section_update, {"section": w["section"], "body": "Changed."}),
    }


SERVICES = sorted(
    """plan_create plan_update theme_create theme_update action_create action_update person_create person_update
    glossary_term_create glossary_term_update plan_version_create plan_approval_create section_create
    indicator_create indicator_update indicator_value_upsert indicator_year_upsert benchmark_upsert
    commentary_upsert pack_create pack_update pack_section_create pack_section_update""".split()
)


@pytest.fixture
def service_calls(world):
    return calls(world)


def test_every_service_is_covered(service_calls):
    assert sorted(service_calls) == SERVICES


@pytest.mark.parametrize("name", SERVICES)
def test_a_manager_of_another_organisations_plan_is_refused_and_nothing_is_written(world, service_calls, name):
    service, kwargs = service_calls[name]
    before = everything()
    with pytest.raises(PermissionDenied):
        service(actor=world["outsider"], **kwargs)
    assert everything() == before


@pytest.mark.parametrize("name", SERVICES)
def test_the_plans_programme_manager_may_write(world, service_calls, name):
    service, kwargs = service_calls[name]
    before = everything()
    record = service(actor=world["manager"], **kwargs)
    assert record.pk
    assert everything() != before


@pytest.mark.parametrize(
    "name", ["theme_create", "action_update", "glossary_term_create", "plan_version_create", "pack_update"]
)
def test_plan_changes_are_refused_to_a_performance_officer_of_the_same_plan(users, world, service_calls, name):
    service, kwargs = service_calls[name]
    before = everything()
    with pytest.raises(PermissionDenied):
        service(actor=users["performance_officer"], **kwargs)
    assert everything() == before


def test_a_performance_officer_may_enter_figures_but_a_scrutiny_member_may_not(users, world):
    indicator = world["indicator"]
    figure = indicator_services.indicator_value_upsert(
        actor=users["performance_officer"], indicator=indicator, period=OCT, value=Decimal("4")
    )
    assert figure.entered_by == users["performance_officer"]
    with pytest.raises(PermissionDenied):
        indicator_services.indicator_value_upsert(
            actor=users["scrutiny_member"], indicator=indicator, period=OCT, value=Decimal("5")
        )
    figure.refresh_from_db()
    assert figure.value == Decimal("4")


def test_people_are_kept_only_by_managers_of_their_organisation(world):
    with pytest.raises(PermissionDenied):
        plan_services.person_create(actor=world["outsider"], owner=world["organisation"], name="Someone")
    with pytest.raises(PermissionDenied):
        plan_services.person_create(actor=world["manager"], owner=world["other_plan"].owner, name="Someone")
    assert not Person.objects.filter(name="Someone").exists()


def test_an_approval_must_be_of_a_version_of_the_plan(world):
    other_version = PlanVersion.objects.create(plan=world["other_plan"], label="V1", date=datetime.date(2009, 1, 1))
    with pytest.raises(ValidationError, match="Choose a version of this plan"):
        plan_services.plan_approval_create(
            actor=world["manager"], plan=world["plan"], version=other_version, body="Cabinet", date=OCT
        )


def test_comparator_groups_are_added_by_indicator_editors_only(users):
    with pytest.raises(PermissionDenied):
        indicator_services.comparator_group_create(actor=users["scrutiny_member"], name="London")
    group = indicator_services.comparator_group_create(actor=users["performance_officer"], name="London")
    with pytest.raises(ValidationError, match='There is already a comparator group called "london"'):
        indicator_services.comparator_group_create(actor=users["performance_officer"], name="london")
    assert group.pk


# --- duplicates: a plain-English ValidationError, never an IntegrityError ------------------------


@pytest.mark.parametrize(
    "name, kwargs, message",
    [
        ("theme_create", {"name": "leadership"}, 'This plan already has a theme called "leadership"'),
        ("action_create", {"ref": " 1.01 ", "title": "Again"}, 'Ref 1.01 is already used in this plan by "'),
        ("glossary_term_create", {"term": "jar", "definition": "Again"}, 'The glossary already defines "jar"'),
        ("plan_version_create", {"label": "v1.0", "date": OCT}, "Version v1.0 already exists for this plan"),
        ("section_create", {"name": "SECTION"}, "There is already a section called"),
        (
            "indicator_create",
            {"code": "ni 65", "title": "Again", "polarity": "higher"},
            "ni 65 is already an indicator",
        ),
        ("plan_create", {"name": "haringey PLAN"}, 'There is already a plan called "haringey PLAN"'),
    ],
)
def test_a_duplicate_is_refused_in_plain_english(world, name, kwargs, message):
    w = world
    extra = {
        "action_create": {"plan": w["plan"], "theme": w["theme"], "action_lead": w["lead"]},
        "indicator_create": {"plan": w["plan"], "section": w["indicator"].section},
        "plan_create": {"owner": w["organisation"]},
    }.get(name, {"plan": w["plan"]})
    if name == "section_create":
        kwargs = {"name": w["indicator"].section.name.upper()}
    service = getattr(indicator_services if name in ("section_create", "indicator_create") else plan_services, name)
    before = everything()
    with pytest.raises(ValidationError) as refused:
        service(actor=w["manager"], **extra, **kwargs)
    assert message in " ".join(refused.value.messages)
    assert " with this " not in " ".join(refused.value.messages)  # not Django's generic wording
    assert everything() == before


def test_renaming_onto_another_record_is_a_duplicate_too(world):
    other = ThemeFactory(plan=world["plan"], name="Workforce")
    with pytest.raises(ValidationError, match="already has a theme called"):
        plan_services.theme_update(actor=world["manager"], theme=other, name="LEADERSHIP")
    other.refresh_from_db()
    assert other.name == "Workforce"


def test_the_same_name_in_another_plan_is_not_a_duplicate(world):
    outsider = world["outsider"]
    theme = plan_services.theme_create(actor=outsider, plan=world["other_plan"], name="Leadership")
    assert theme.plan == world["other_plan"]


def test_the_glossary_page_shows_a_duplicate_term_as_a_form_error(client, world):
    client.force_login(world["manager"])
    url = reverse("plans:glossary_create", args=[world["plan"].pk])
    response = client.post(url, {"term": "jar", "definition": "Again"})
    assert response.status_code == 200
    assert "The glossary already defines" in response.content.decode()
    assert GlossaryTerm.objects.filter(plan=world["plan"]).count() == 1


def test_a_page_shows_the_services_refusal_when_the_form_lets_it_through(client, world, monkeypatch):
    """The service enforces its rules on its own: with the form's duplicate check gone, the page
    still answers 200 with the service's message, never a 500."""
    from plans.forms import ThemeForm

    monkeypatch.setattr(ThemeForm, "clean_name", lambda form: form.cleaned_data["name"])
    client.force_login(world["manager"])
    response = client.post(reverse("plans:theme_create", args=[world["plan"].pk]), {"name": "LEADERSHIP", "order": 2})
    assert response.status_code == 200
    assert "This plan already has a theme called" in response.content.decode()
    assert world["plan"].themes.count() == 1


def test_an_indicator_value_edit_cannot_move_onto_another_periods_figure(world):
    indicator = world["indicator"]
    IndicatorValueFactory(indicator=indicator, period=SEP, value=3)
    october = IndicatorValueFactory(indicator=indicator, period=OCT, value=4)
    with pytest.raises(ValidationError, match="Sep 2009 already has a figure"):
        indicator_services.indicator_value_upsert(
            actor=world["manager"], indicator=indicator, figure=october, period=SEP, value=Decimal("5")
        )


# --- choices and lengths ----------------------------------------------------------------------


def test_an_unknown_choice_is_refused(world):
    with pytest.raises(ValidationError) as refused:
        indicator_services.indicator_create(
            actor=world["manager"],
            plan=world["plan"],
            code="NI 99",
            title="Sideways",
            section=world["indicator"].section,
            polarity="sideways",
        )
    assert "polarity" in refused.value.message_dict
    assert not Indicator.objects.filter(code="NI 99").exists()
    with pytest.raises(ValidationError) as refused:
        plan_services.person_update(actor=world["manager"], person=world["lead"], agency="Martians")
    assert "agency" in refused.value.message_dict
    with pytest.raises(ValidationError):
        report_services.pack_section_update(actor=world["manager"], section=world["section"], placement="nowhere")


def test_an_over_long_value_is_refused(world):
    with pytest.raises(ValidationError) as refused:
        plan_services.theme_create(actor=world["manager"], plan=world["plan"], name="x" * 201)
    assert "name" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        plan_services.glossary_term_update(actor=world["manager"], entry=world["term"], term="y" * 51)
    assert "term" in refused.value.message_dict
    world["term"].refresh_from_db()
    assert world["term"].term == "JAR"


def test_the_models_own_rules_hold(world):
    with pytest.raises(ValidationError, match="cannot end before it starts"):
        plan_services.plan_update(
            actor=world["manager"],
            plan=world["plan"],
            period_start=datetime.date(2010, 1, 1),
            period_end=datetime.date(2009, 1, 1),
        )
    other_theme = ThemeFactory(plan=world["other_plan"])
    with pytest.raises(ValidationError, match="Choose a theme of this plan"):
        plan_services.action_update(actor=world["manager"], action=world["action"], theme=other_theme)
    with pytest.raises(ValidationError, match="between 0 and 100"):
        indicator_services.indicator_year_upsert(
            actor=world["manager"], indicator=world["indicator"], year=2009, target=Decimal("140")
        )


def test_an_unknown_field_is_a_programming_error(world):
    with pytest.raises(TypeError):
        plan_services.theme_update(actor=world["manager"], theme=world["theme"], plan=world["other_plan"])


def test_a_stale_action_edit_is_refused(world):
    action = world["action"]
    plan_services.action_update(actor=world["manager"], action=Action.objects.get(pk=action.pk), title="First")
    with pytest.raises(ConcurrentEdit):
        plan_services.action_update(actor=world["manager"], action=action, expected_version=1, title="Second")
    action.refresh_from_db()
    assert action.title == "First"


# --- figures for locked and future months ------------------------------------------------------


@pytest.fixture
def locked_october(world):
    return LockedMonth.objects.create(
        plan=world["plan"], month=OCT, reason="its monthly snapshot was taken on 04 Nov 2009 by Jo Manager."
    )


def test_a_figure_for_a_locked_month_is_refused_with_the_locks_reason(world, locked_october):
    with pytest.raises(ValidationError) as refused:
        indicator_services.indicator_value_upsert(
            actor=world["manager"], indicator=world["indicator"], period=OCT, value=Decimal("7")
        )
    assert refused.value.message_dict["period"] == [
        "Oct 2009 is locked: its monthly snapshot was taken on 04 Nov 2009 by Jo Manager. "
        "Its figures can no longer be entered or changed."
    ]
    assert not IndicatorValue.objects.exists()


def test_a_locked_months_figure_cannot_be_changed_or_moved_away(world, locked_october):
    figure = IndicatorValueFactory(indicator=world["indicator"], period=OCT, value=7)
    with pytest.raises(ValidationError, match="Oct 2009 is locked"):
        indicator_services.indicator_value_upsert(
            actor=world["manager"], indicator=world["indicator"], period=OCT, value=Decimal("8")
        )
    with pytest.raises(ValidationError, match="Oct 2009 is locked"):
        indicator_services.indicator_value_upsert(
            actor=world["manager"], indicator=world["indicator"], figure=figure, period=SEP, value=Decimal("7")
        )
    figure.refresh_from_db()
    assert (figure.period, figure.value) == (OCT, Decimal("7"))


def test_loading_the_same_figure_again_into_a_locked_month_writes_nothing(world, locked_october):
    figure = IndicatorValueFactory(indicator=world["indicator"], period=OCT, value=7)
    again = indicator_services.indicator_value_upsert(
        actor=None, indicator=world["indicator"], period=OCT, value=Decimal("7.000")
    )
    assert again.pk == figure.pk
    assert figure.history.count() == 1


def test_a_figure_for_a_future_month_is_refused(world):
    with pytest.raises(ValidationError) as refused:
        indicator_services.indicator_value_upsert(
            actor=world["manager"], indicator=world["indicator"], period=DEC, value=Decimal("7")
        )
    assert "Dec 2009 has not started yet" in refused.value.message_dict["period"][0]
    assert not IndicatorValue.objects.exists()


def test_the_figure_page_refuses_a_locked_month_with_the_reason(client, world, locked_october):
    client.force_login(world["manager"])
    url = reverse("indicators:value_create", args=[world["indicator"].pk])
    response = client.post(url, {"period": "2009-10", "value": "7"})
    assert response.status_code == 200
    assert "Oct 2009 is locked: its monthly snapshot was taken on 04 Nov 2009 by Jo Manager." in (
        response.content.decode()
    )
    assert not IndicatorValue.objects.exists()


def test_the_figure_edit_page_refuses_a_locked_month(client, world, locked_october):
    figure = IndicatorValueFactory(indicator=world["indicator"], period=OCT, value=7)
    client.force_login(world["manager"])
    response = client.post(reverse("indicators:value_edit", args=[figure.pk]), {"period": "2009-10", "value": "8"})
    assert response.status_code == 200
    assert "Oct 2009 is locked" in response.content.decode()
    figure.refresh_from_db()
    assert figure.value == Decimal("7")


def test_the_figure_page_refuses_a_future_month(client, world):
    client.force_login(world["manager"])
    url = reverse("indicators:value_create", args=[world["indicator"].pk])
    response = client.post(url, {"period": "2009-12", "value": "7"})
    assert response.status_code == 200
    assert "Dec 2009 has not started yet" in response.content.decode()
    assert not IndicatorValue.objects.exists()


# --- authors ----------------------------------------------------------------------------------


def test_services_record_who_wrote(world):
    manager = world["manager"]
    figure = indicator_services.indicator_value_upsert(
        actor=manager, indicator=world["indicator"], period=OCT, numerator=Decimal("2"), denominator=Decimal("16")
    )
    assert figure.entered_by == manager
    assert figure.value == Decimal("12.500")
    entry = indicator_services.commentary_upsert(
        actor=manager, indicator=world["indicator"], period=OCT, commentary="Small numbers."
    )
    assert entry.author == manager
    pack = report_services.pack_create(
        actor=manager,
        plan=world["plan"],
        meeting="Cabinet",
        meeting_date=datetime.date(2010, 2, 1),
        report_title="Progress",
        as_at=NOV,
    )
    assert pack.created_by == manager
    theme = plan_services.theme_create(actor=manager, plan=world["plan"], name="Workforce")
    assert theme.history.first().history_user == manager


def test_an_upsert_changes_the_periods_existing_row(world):
    year = IndicatorYearFactory(indicator=world["indicator"], year=2009, target=60)
    changed = indicator_services.indicator_year_upsert(
        actor=world["manager"], indicator=world["indicator"], year=2009, target=Decimal("55")
    )
    assert changed.pk == year.pk
    assert IndicatorYear.objects.get().target == Decimal("55")


def test_a_pack_section_change_marks_the_pack_changed(world):
    pack = world["pack"]
    before = CommitteePack.objects.get(pk=pack.pk).updated_at
    report_services.pack_section_create(actor=world["manager"], pack=pack, heading="Legal", body="None.")
    assert CommitteePack.objects.get(pk=pack.pk).updated_at > before


def test_a_pack_without_appendices_can_be_saved_from_its_page(client, world):
    client.force_login(world["manager"])
    response = client.post(
        reverse("reports:pack_create", args=[world["plan"].pk]),
        {"meeting": "Children's Trust", "meeting_date": "2010-03-01", "report_title": "Update", "as_at": "2009-10"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    pack = CommitteePack.objects.get(meeting="Children's Trust")
    assert (pack.appendices, pack.created_by) == ([], world["manager"])
