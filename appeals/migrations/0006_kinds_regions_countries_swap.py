from django.db import migrations


class Migration(migrations.Migration):
    """Drop the old region codes (moved to Region snippets in 0005); the link takes the name."""

    dependencies = [("appeals", "0005_kinds_regions_countries_data")]

    operations = [
        migrations.RemoveField(model_name="appealpage", name="region"),
        migrations.RenameField(model_name="appealpage", old_name="region_ref", new_name="region"),
    ]
