"""Data of issue 16: Belgium's regions and provinces as Region snippets, old region codes
moved to them, nationality "XX" (unknown, not an ISO 3166 code) dropped.

The other nationality codes were already ISO 3166-1 alpha-2 and are kept as they are. The
latest revision of each appeal is updated too, so that editing an appeal reopens its data.
"""

from django.db import migrations

from appeals.regions import seed_regions

# The old fixed list of regions: every code but "abroad" is a Region code now.
OLD_CODES = {
    "brussels",
    "antwerp",
    "east-flanders",
    "west-flanders",
    "flemish-brabant",
    "limburg",
    "walloon-brabant",
    "hainaut",
    "liege",
    "luxembourg",
    "namur",
}


def forwards(apps, schema_editor):
    Region = apps.get_model("appeals", "Region")
    Locale = apps.get_model("wagtailcore", "Locale")
    AppealPage = apps.get_model("appeals", "AppealPage")
    AppealNationality = apps.get_model("appeals", "AppealNationality")
    Revision = apps.get_model("wagtailcore", "Revision")
    seed_regions(Region, Locale)
    new_ids = {}
    for page in AppealPage.objects.exclude(region=""):
        region = None
        if page.region in OLD_CODES:
            region = Region.objects.filter(code=page.region, locale_id=page.locale_id).first()
            if page.region and not page.facts_country:
                page.facts_country = "BE"
        elif page.region == "abroad":
            region = None
        page.region_ref = region
        page.save(update_fields=["region_ref", "facts_country"])
        new_ids[str(page.pk)] = region.pk if region else None
    AppealNationality.objects.filter(code="XX").delete()
    pages = set(str(pk) for pk in AppealPage.objects.values_list("pk", flat=True))
    for rev in Revision.objects.filter(object_id__in=pages).iterator():
        content = rev.content or {}
        if "region" not in content and "nationalities" not in content:
            continue
        content["region"] = new_ids.get(rev.object_id)
        content["nationalities"] = [
            n for n in content.get("nationalities", []) if n.get("code") != "XX"
        ]
        rev.content = content
        rev.save(update_fields=["content"])


class Migration(migrations.Migration):
    dependencies = [("appeals", "0004_kinds_regions_countries")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
