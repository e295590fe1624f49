"""The demo's appeals: about thirty planned from a seeded random generator with silhouette
photos, then one or more of each further kind (missing, unidentified, object, incident) with
drawn images."""

import datetime
import random
import uuid

from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.utils import timezone
from django.utils.text import slugify
from wagtail.images import get_image_model

from appeals.choices import Kind, PhotoKind, Sex, Status
from appeals.models import AppealNationality, AppealPage, AppealPhoto, Region

from . import data, kind_data
from .drawings import draw
from .portraits import silhouette

APPEAL_COUNT = 30
DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d %B %Y")
PHOTO_KINDS = {
    "portrait": PhotoKind.PHOTO,
    "cctv": PhotoKind.CCTV,
    "aged": PhotoKind.AGE_PROGRESSED,
}


def plan(rng: random.Random) -> list[dict]:
    kinds = [Kind.WANTED] * 18 + [Kind.IDENTIFY] * 8 + [Kind.WITNESS] * 4
    statuses = ([Status.ARRESTED] * 4 + [Status.IDENTIFIED] * 2 + [Status.CLOSED] * 2) + [
        Status.ACTIVE
    ] * (APPEAL_COUNT - 8)
    rng.shuffle(statuses)
    plan = []
    today = timezone.localdate()
    for n in range(APPEAL_COUNT):
        kind = kinds[n]
        status = statuses[n]
        if kind == Kind.IDENTIFY and status == Status.ARRESTED:
            status = Status.IDENTIFIED
        if kind == Kind.WITNESS and status in (Status.ARRESTED, Status.IDENTIFIED):
            status = Status.CLOSED
        female = rng.random() < 0.25
        sex = Sex.FEMALE if female else Sex.MALE
        if kind == Kind.WITNESS:
            sex = Sex.UNKNOWN
        first = rng.choice(data.FIRST_F if female else data.FIRST_M)
        name = f"{first} {rng.choice(data.LAST)}" if kind == Kind.WANTED else ""
        published = timezone.now() - datetime.timedelta(days=rng.randint(3, 700))
        facts_date = (published - datetime.timedelta(days=rng.randint(5, 120))).date()
        changed = today - datetime.timedelta(days=rng.choice([2, 10, 45, 90]))
        plan.append(
            {
                "n": n,
                "kind": kind,
                "status": status,
                "status_changed_on": changed if status != Status.ACTIVE else published.date(),
                "sex": sex,
                "name": name,
                "aliases": f"{first[:3].upper()}, {first} {rng.choice(data.LAST)}"
                if name and rng.random() < 0.4
                else "",
                "dob": datetime.date(
                    rng.randint(1965, 2003), rng.randint(1, 12), rng.randint(1, 28)
                )
                if name
                else None,
                "age": (lambda a: (a, a + rng.randint(3, 8)))(rng.randint(18, 50)),
                "height": (lambda h: (h, h + rng.choice([0, 5, 10])))(rng.randint(155, 190)),
                "place": rng.choice(data.PLACES),
                "facts_date": facts_date,
                "published": published,
                "updated": published + datetime.timedelta(days=rng.randint(0, 60)),
                "offences": rng.sample(range(len(data.OFFENCES)), k=rng.choice([1, 1, 2, 3])),
                "nationalities": sorted(
                    set(rng.sample(data.NATIONALITIES, k=rng.choice([1, 1, 2])))
                ),
                "build": rng.randrange(len(data.BUILD)),
                "eyes": rng.randrange(len(data.EYES)),
                "hair": rng.randrange(len(data.HAIR)),
                "marks": rng.randrange(len(data.MARKS)),
                "spoken": rng.randrange(len(data.SPOKEN)),
                "reward": kind == Kind.WANTED and rng.random() < 0.3,
                "featured": n < 8 and status == Status.ACTIVE,
                "photos": (
                    ["cctv", "cctv"]
                    if kind != Kind.WANTED
                    else ["portrait"]
                    + (["aged"] if rng.random() < 0.4 else [])
                    + (["cctv"] if rng.random() < 0.3 else [])
                )[: 1 if kind == Kind.WITNESS and rng.random() < 0.5 else 3],
                "desk": {Kind.WANTED: 0, Kind.IDENTIFY: 1, Kind.WITNESS: 2}[kind],
            }
        )
    return plan


def create_appeals(rng, locales, indexes, offences, desks):
    image_model = get_image_model()
    for p in plan(rng):
        images = []
        for j, variant in enumerate(p["photos"]):
            content = silhouette(p["n"] * 10 + j, variant)

            image = image_model(title=f"Demo {variant} {p['n']}-{j}")
            image.file = ImageFile(ContentFile(content), name=f"demo-{p['n']}-{j}.jpg")
            image.save()
            images.append((image, variant))
        key = uuid.uuid4()
        region, place_names = p["place"]
        for i, code in enumerate(data.LANGS):
            place = place_names[i]
            display = p["name"] or data.UNKNOWN[i]
            if p["kind"] == Kind.WITNESS:
                title = f"{data.WITNESS_TITLE[i]} – {place}"
            elif p["name"]:
                title = p["name"]
            else:
                title = f"{data.UNKNOWN[i]} – {place}"
            facts = data.FACTS[p["kind"]][i].format(
                name=display, place=place, date=p["facts_date"].strftime(DATE_FORMATS[2])
            )
            page = AppealPage(
                title=title,
                slug=f"{slugify(title)[:60]}-{p['n'] + 1}",
                locale=locales[code],
                translation_key=key,
                kind=p["kind"],
                status=p["status"],
                status_changed_on=p["status_changed_on"],
                featured=p["featured"],
                full_name=p["name"],
                known_aliases=p["aliases"],
                sex=p["sex"],
                date_of_birth=p["dob"],
                age_min=None if p["dob"] or p["kind"] == Kind.WITNESS else p["age"][0],
                age_max=None if p["dob"] or p["kind"] == Kind.WITNESS else p["age"][1],
                height_min_cm=None if p["kind"] == Kind.WITNESS else p["height"][0],
                height_max_cm=None if p["kind"] == Kind.WITNESS else p["height"][1],
                build="" if p["kind"] == Kind.WITNESS else data.BUILD[p["build"]][i],
                eyes="" if p["kind"] != Kind.WANTED else data.EYES[p["eyes"]][i],
                hair="" if p["kind"] == Kind.WITNESS else data.HAIR[p["hair"]][i],
                distinguishing_marks=data.MARKS[p["marks"]][i],
                languages="" if p["kind"] != Kind.WANTED else data.SPOKEN[p["spoken"]][i],
                facts=facts,
                facts_place=place,
                facts_date=p["facts_date"],
                region=Region.objects.get(code=region, locale=locales[code]),
                facts_country="BE",
                case_reference=f"BE-{p['facts_date'].year}-{(p['n'] + 1) * 137:05d}",
                desk=desks[code][p["desk"]],
                reward=data.REWARD[i] if p["reward"] else "",
                first_published_at=p["published"],
                last_published_at=p["updated"],
                search_description=facts.replace("<p>", "").replace("</p>", "")[:150],
            )
            page.offences = [offences[code][k] for k in p["offences"]]
            page.nationalities = [AppealNationality(code=c) for c in p["nationalities"]]
            page.photos = [
                AppealPhoto(
                    image=image,
                    kind=PHOTO_KINDS[variant],
                    caption=data.CAPTIONS[variant][i],
                    sort_order=order,
                )
                for order, (image, variant) in enumerate(images)
            ]
            indexes[code].add_child(instance=page)
            # add_child stamps publication dates with "now": restore the planned ones.
            AppealPage.objects.filter(pk=page.pk).update(
                first_published_at=p["published"], last_published_at=p["updated"]
            )


def create_kind_appeals(locales, indexes, desks):
    """One or more appeals of each further kind (missing, unidentified, object or place,
    incident), with drawn images."""
    image_model = get_image_model()
    now = timezone.now()
    for n, p in enumerate(kind_data.KIND_APPEALS, start=APPEAL_COUNT + 1):
        images = []
        for j, (variant, kind) in enumerate(p["photos"]):
            image = image_model(title=f"Demo {variant} {n}-{j}")
            image.file = ImageFile(ContentFile(draw(n * 10 + j, variant)), name=f"demo-{n}-{j}.jpg")
            image.save()
            images.append((image, variant, kind))
        key = uuid.uuid4()
        published = now - datetime.timedelta(days=p["days_ago"])
        status = p.get("status", Status.ACTIVE)
        changed = timezone.localdate() - datetime.timedelta(days=p.get("changed_days_ago", 0))
        for i, code in enumerate(data.LANGS):
            name = p.get("name", "")
            place = p["place"][i]
            if "title" in p:
                title = p["title"][i]
            else:
                title = name or f"{data.UNKNOWN[i]} – {place}"
            page = AppealPage(
                title=title,
                slug=f"{slugify(title)[:60]}-{n}",
                locale=locales[code],
                translation_key=key,
                kind=p["kind"],
                status=status,
                status_changed_on=changed if status != Status.ACTIVE else published.date(),
                featured=p.get("alert", False),
                child=p.get("child", False),
                alert=p.get("alert", False),
                deceased=p.get("deceased", False),
                full_name=name,
                sex=p["sex"],
                age_min=p["age"][0] if "age" in p else None,
                age_max=p["age"][1] if "age" in p else None,
                height_min_cm=p["height"][0] if "height" in p else None,
                height_max_cm=p["height"][1] if "height" in p else None,
                hair=p["hair"][i] if "hair" in p else "",
                distinguishing_marks=p["marks"][i] if "marks" in p else "",
                facts=p["facts"][i],
                facts_place=place,
                facts_date=published.date(),
                facts_country="BE",
                region=Region.objects.get(code=p["region"], locale=locales[code]),
                possible_countries=p["possible"],
                case_reference=f"BE-{published.year}-{n * 137:05d}",
                desk=desks[code][p.get("desk", 1)],
                # Incident appeals: open on publication, for "intake_days" days.
                intake_closes=now + datetime.timedelta(days=p["intake_days"])
                if "intake_days" in p
                else None,
                search_description=p["facts"][i].replace("<p>", "").replace("</p>", "")[:150],
            )
            page.nationalities = [AppealNationality(code="BE")] if name else []
            page.photos = [
                AppealPhoto(
                    image=image,
                    kind=kind,
                    caption=kind_data.KIND_CAPTIONS[variant][i],
                    sort_order=order,
                )
                for order, (image, variant, kind) in enumerate(images)
            ]
            indexes[code].add_child(instance=page)
            AppealPage.objects.filter(pk=page.pk).update(
                first_published_at=published, last_published_at=published
            )
