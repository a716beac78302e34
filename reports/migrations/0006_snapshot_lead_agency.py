from django.db import migrations, models


def agencies_for_earlier_snapshots(apps, schema_editor):
    """Rows frozen before agencies were kept take their lead's agency as it is now: agencies
    rarely change, and without it those snapshots could not be filtered by agency at all."""
    SnapshotMilestone = apps.get_model("reports", "SnapshotMilestone")
    Milestone = apps.get_model("milestones", "Milestone")
    milestones_of = {}
    for pk, agency in Milestone.objects.values_list("pk", "lead__agency"):
        milestones_of.setdefault(agency, []).append(pk)
    for agency, pks in milestones_of.items():
        SnapshotMilestone._base_manager.filter(lead_agency="", milestone_id__in=pks).update(lead_agency=agency)


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0005_audit_history"),
        ("milestones", "0006_optimistic_locking"),
    ]

    operations = [
        migrations.AddField(
            model_name="snapshotmilestone",
            name="lead_agency",
            field=models.CharField(blank=True, max_length=40),
        ),
        migrations.RunPython(agencies_for_earlier_snapshots, migrations.RunPython.noop),
    ]
