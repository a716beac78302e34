"""Plan names are unique within an organisation, not across a hosted instance's councils."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from milestones.models import Milestone
from plans import services
from plans.models import Plan, Role
from tests.factories import OrganisationFactory, PlanFactory, UserFactory, default_organisation

pytestmark = pytest.mark.django_db

NAME = "Children's Services Improvement Plan"
CSV = (
    "Ref,Action,Milestone,Lead,Due,Progress\n1.1,Stable workforce,Recruit 12 social workers,Tom Ashworth,"
    "March 2010,On track\n"
).encode()


@pytest.fixture
def northbridge():
    return OrganisationFactory(name="Northbridge Borough Council")


def manager_of(organisation):
    return UserFactory(role=Role.PROGRAMME_MANAGER, role__organisation=organisation)


def test_two_councils_may_each_have_a_plan_of_the_same_name(northbridge):
    haringey_plan = services.plan_create(
        actor=manager_of(default_organisation()), owner=default_organisation(), name=NAME
    )
    # Northbridge's manager is not told Haringey has one: their plan is simply made.
    theirs = services.plan_create(actor=manager_of(northbridge), owner=northbridge, name=NAME.upper())
    assert {haringey_plan.owner, theirs.owner} == {default_organisation(), northbridge}
    with pytest.raises(ValidationError) as refused:
        services.plan_create(actor=manager_of(northbridge), owner=northbridge, name=f"  {NAME.lower()} ")
    assert "There is already a plan called" in str(refused.value)


def test_an_upload_names_a_plan_in_the_uploaders_own_organisation(client, northbridge, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    haringey_plan = PlanFactory(name=NAME)
    client.force_login(manager_of(northbridge))
    upload = client.post(reverse("reports:import"), {"plan": NAME, "file": SimpleUploadedFile("plan.csv", CSV)})
    assert upload.status_code == 302, upload.content.decode()[:500]
    client.post(upload.url)
    theirs = Plan.objects.get(name=NAME, owner=northbridge)
    assert Milestone.objects.filter(action__plan=theirs).count() == 1
    assert not Milestone.objects.filter(action__plan=haringey_plan).exists()  # Haringey's is untouched


def test_commands_ask_which_organisation_when_a_name_is_shared(northbridge, tmp_path):
    PlanFactory(name=NAME)
    PlanFactory(name=NAME, owner=northbridge)
    output = tmp_path / "plan.xlsx"
    with pytest.raises(CommandError, match="say which with --organisation"):
        call_command("export_plan", "--plan", NAME, "--output", str(output))
    call_command(
        "export_plan", "--plan", NAME, "--organisation", "northbridge borough council", "--output", str(output)
    )
    assert output.stat().st_size > 0
    with pytest.raises(CommandError, match="No plan called"):
        call_command("take_snapshot", "--plan", "Nobody's plan", "--period", "2009-10")


def test_the_plan_form_says_the_name_is_taken_in_words(client):
    PlanFactory(name=NAME)
    client.force_login(manager_of(default_organisation()))
    response = client.post(
        reverse("plans:create"),
        {
            "name": NAME.lower(),
            "owner": default_organisation().pk,
            "group_label": "Theme",
            "update_deadline_working_day": 5,
            "reminder_days_before": 3,
            "escalation_days_after": 3,
        },
    )
    page = response.content.decode()
    assert response.status_code == 200 and "Constraint" not in page
    assert "already" in page and "plan" in page


def test_import_plan_finds_the_organisation_whatever_its_case(tmp_path):
    from plans.models import Organisation

    haringey = default_organisation()
    path = tmp_path / "plan.csv"
    path.write_bytes(CSV)
    call_command(
        "import_plan",
        str(path),
        "--plan",
        "Brand new plan",
        "--organisation",
        " haringey council ",
        "--as-at",
        "2010-01",
    )
    assert Organisation.objects.filter(name__iexact="haringey council").count() == 1
    assert Plan.objects.get(name="Brand new plan").owner == haringey


def regional_manager(*organisations):
    """A programme manager of several councils' plans (a regional improvement partnership's)."""
    from plans.models import Membership

    user = UserFactory()
    for organisation in organisations:
        Membership.objects.create(user=user, organisation=organisation, plan=None, role=Role.PROGRAMME_MANAGER)
    return user


def test_a_manager_of_two_councils_plans_of_one_name_is_asked_whose_and_gets_the_one_chosen(
    client, northbridge, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path)
    haringey_plan, northbridge_plan = PlanFactory(name=NAME), PlanFactory(name=NAME, owner=northbridge)
    client.force_login(regional_manager(default_organisation(), northbridge))
    form = client.get(reverse("reports:import"))
    assert 'name="organisation"' in form.content.decode()

    ambiguous = client.post(reverse("reports:import"), {"plan": NAME, "file": SimpleUploadedFile("plan.csv", CSV)})
    assert ambiguous.status_code == 200
    assert f"in {default_organisation()} and Northbridge Borough Council: choose the organisation" in (
        ambiguous.content.decode()
    )

    upload = client.post(
        reverse("reports:import"),
        {"plan": NAME, "organisation": northbridge.pk, "file": SimpleUploadedFile("plan.csv", CSV)},
    )
    assert upload.status_code == 302, upload.content.decode()[:500]
    preview = client.get(upload.url).content.decode()
    assert "of Northbridge Borough Council" in preview
    client.post(upload.url, {"do": "confirm"})
    assert Milestone.objects.filter(action__plan=northbridge_plan).count() == 1
    assert not Milestone.objects.filter(action__plan=haringey_plan).exists()


def test_a_new_plan_for_a_manager_of_two_councils_goes_where_they_say(client, northbridge, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    client.force_login(regional_manager(default_organisation(), northbridge))
    unsaid = client.post(reverse("reports:import"), {"plan": "A new plan", "file": SimpleUploadedFile("p.csv", CSV)})
    assert unsaid.status_code == 200 and "Choose the organisation the new plan" in unsaid.content.decode()
    assert not Plan.objects.filter(name="A new plan").exists()
    upload = client.post(
        reverse("reports:import"),
        {"plan": "A new plan", "organisation": northbridge.pk, "file": SimpleUploadedFile("p.csv", CSV)},
    )
    assert upload.status_code == 302
    client.post(upload.url, {"do": "confirm"})
    assert Plan.objects.get(name="A new plan").owner == northbridge


def test_a_council_the_manager_does_not_manage_cannot_be_chosen(client, northbridge, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    elsewhere = OrganisationFactory(name="Elsewhere Council")
    client.force_login(regional_manager(default_organisation(), northbridge))
    forged = client.post(
        reverse("reports:import"),
        {"plan": "A new plan", "organisation": elsewhere.pk, "file": SimpleUploadedFile("p.csv", CSV)},
    )
    assert forged.status_code == 200 and "Select a valid choice" in forged.content.decode()
    assert not Plan.objects.filter(owner=elsewhere).exists()


def test_the_file_is_kept_while_the_organisation_is_chosen(client, northbridge, settings, tmp_path):
    """Asked for the organisation, the person need not find the file again (and its name, shown on
    the page, is escaped)."""
    settings.MEDIA_ROOT = str(tmp_path)
    client.force_login(regional_manager(default_organisation(), northbridge))
    name = "<img src=x onerror=alert(1)>.csv"
    asked = client.post(reverse("reports:import"), {"plan": "A new plan", "file": SimpleUploadedFile(name, CSV)})
    page = asked.content.decode()
    assert "Choose the organisation the new plan" in page
    assert "Kept from your last try: <strong>&lt;img src=x onerror=alert(1)&gt;.csv</strong>" in page
    assert "<img src=x" not in page
    held = list((tmp_path / "imports" / "held").iterdir())
    assert len(held) == 1

    upload = client.post(reverse("reports:import"), {"plan": "A new plan", "organisation": northbridge.pk})
    assert upload.status_code == 302, upload.content.decode()[:500]
    client.post(upload.url, {"do": "confirm"})
    assert Milestone.objects.filter(action__plan__name="A new plan", action__plan__owner=northbridge).count() == 1
    assert not list((tmp_path / "imports" / "held").iterdir())  # let go once used

    # With nothing kept, the file is asked for again.
    again = client.post(reverse("reports:import"), {"plan": "A new plan", "organisation": northbridge.pk})
    assert again.status_code == 200 and "This field is required" in again.content.decode()
