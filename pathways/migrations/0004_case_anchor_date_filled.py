from django.db import migrations, models
from django.utils import timezone


def fill_anchor_dates(apps, schema_editor):
    Case = apps.get_model("pathways", "Case")
    for case in Case.objects.select_related("release").filter(anchor_date__isnull=True):
        case.anchor_date = (
            case.release.expected_date
            if case.release_id
            else timezone.localdate(case.created_at)
        )
        case.save(update_fields=["anchor_date"])
    # Cases started before stages were tracked get theirs, unassigned.
    CaseStage = apps.get_model("pathways", "CaseStage")
    StageTemplate = apps.get_model("pathways", "StageTemplate")
    for case in Case.objects.filter(stages__isnull=True):
        CaseStage.objects.bulk_create(
            CaseStage(case=case, stage=stage)
            for stage in StageTemplate.objects.filter(template_id=case.template_id)
        )


class Migration(migrations.Migration):
    dependencies = [("pathways", "0003_stages_checklists_reminders")]

    operations = [
        migrations.RunPython(fill_anchor_dates, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="case",
            name="anchor_date",
            field=models.DateField(verbose_name="anchor date"),
        ),
    ]
