"""Existing data onto organisations: one organisation per distinct plan organisation name, people
placed with the plan they lead in, and each global role group turned into an organisation-wide
membership of every organisation (what the global role allowed before)."""

from django.db import migrations

FALLBACK = "Unnamed organisation"


def forwards(apps, schema_editor):
    Organisation = apps.get_model("plans", "Organisation")
    Plan = apps.get_model("plans", "Plan")
    Person = apps.get_model("plans", "Person")
    Action = apps.get_model("plans", "Action")
    Membership = apps.get_model("plans", "Membership")
    User = apps.get_model("auth", "User")
    roles = ["Programme manager", "Milestone lead", "Performance officer", "Scrutiny member"]

    for plan in Plan.objects.filter(owner__isnull=True):
        plan.owner, _ = Organisation.objects.get_or_create(name=plan.organisation.strip() or FALLBACK)
        plan.save(update_fields=["owner"])
    organisations = list(Organisation.objects.all())
    for person in Person.objects.filter(owner__isnull=True):
        action = Action.objects.filter(action_lead=person).select_related("plan").first()
        named = Organisation.objects.filter(name=person.organisation.strip()).first()
        owner = (action.plan.owner if action else None) or named or (organisations[0] if organisations else None)
        if owner:
            person.owner = owner
            person.save(update_fields=["owner"])
    for user in User.objects.filter(groups__name__in=roles).distinct():
        for group in user.groups.filter(name__in=roles):
            for organisation in organisations:
                Membership.objects.get_or_create(user=user, organisation=organisation, plan=None, role=group.name)


class Migration(migrations.Migration):
    dependencies = [("plans", "0008_organisations_memberships"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
