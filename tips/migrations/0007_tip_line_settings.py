"""The "Tip line" setting (the desk receiving general tips), editable by supervisors."""

import django.db.models.deletion
import tips.models
from django.db import migrations, models


def grant_supervisors(apps, schema_editor):
    """Supervisors may change the setting (Editors may not: they see no tip-side data)."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    ct, _ = ContentType.objects.get_or_create(app_label="tips", model="tiplinesettings")
    change, _ = Permission.objects.get_or_create(
        content_type=ct,
        codename="change_tiplinesettings",
        defaults={"name": "Can change tip line"},
    )
    group, _ = Group.objects.get_or_create(name="Supervisors")
    group.permissions.add(change)


class Migration(migrations.Migration):
    dependencies = [
        ("appeals", "0002_appealindexpage_homepage_appealpage_and_more"),
        ("tips", "0006_tip_notify_claim"),
        ("tips", "0003_triage_groups"),
    ]

    operations = [
        migrations.CreateModel(
            name="TipLineSettings",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "default_desk",
                    models.ForeignKey(
                        blank=True,
                        help_text="Tips about no appeal, or about a resolved appeal, go to this desk. It must have an active key and at least one member able to read it.",
                        limit_choices_to=tips.models._default_locale_desks,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="appeals.desk",
                        verbose_name="desk receiving general tips",
                    ),
                ),
            ],
            options={
                "verbose_name": "tip line",
            },
        ),
        migrations.RunPython(grant_supervisors, migrations.RunPython.noop),
    ]
