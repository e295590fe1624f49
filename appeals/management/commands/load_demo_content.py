"""Load demo content (development only; refused unless ``DEMO_CONTENT_ALLOWED``).

About 30 fictional appeals in fr, nl, de and en (plus one or more of each kind added by
issue 16: missing persons, unidentified persons, an object or place; and an incident appeal
taking photos and videos, issue 18), an editor account,
then the tip line's demo (``tips.demo``): investigators, a supervisor, the key ceremony and a
dozen tips.

Idempotent: when the demo home page exists, the appeals part only makes sure the editor
account and the "Editors" group exist; the tip-line part skips what already exists.
"""

import datetime
import logging
import random
import uuid

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from wagtail.images import get_image_model
from wagtail.models import Locale, Page, Site

from appeals.choices import Kind, PhotoKind, Sex, Status
from appeals.demo import data
from appeals.demo.drawings import draw
from appeals.demo.portraits import silhouette
from appeals.models import (
    AppealIndexPage,
    AppealNationality,
    AppealPage,
    AppealPhoto,
    Desk,
    HomePage,
    Offence,
    Region,
)
from appeals.permissions import ensure_editors_group
from appeals.regions import seed_regions

EDITOR_USERNAME = "editor"
EDITOR_PASSWORD = "demo-editor-password"  # noqa: S105 - development demo account, documented
#: The demo editor's second factor (every staff account needs one, issue 14): a fixed,
#: documented base32 TOTP secret, as for the tip line's demo accounts (tips.demo).
EDITOR_TOTP_SECRET = "DEMOEDITORTOTPSECRETKEY234567ABC"  # noqa: S105 - documented demo account
APPEAL_COUNT = 30
DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d %B %Y")
PHOTO_KINDS = {
    "portrait": PhotoKind.PHOTO,
    "cctv": PhotoKind.CCTV,
    "aged": PhotoKind.AGE_PROGRESSED,
}


class Command(BaseCommand):
    help = "Load demo appeals in four languages (idempotent; development only)."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--codes",
            action="store_true",
            help="only print the current TOTP code of every demo account",
        )

    def handle(self, *args, seed, codes=False, **options):
        from tips import demo as tip_demo

        if not tip_demo.enabled():
            raise CommandError(
                "Demo content is for development only: these settings do not allow it "
                "(DEMO_CONTENT_ALLOWED is off, as in production)."
            )
        if codes:
            self.stdout.write("\n".join([self._editor_code(), *tip_demo.current_codes()]))
            return
        for name in ("django_tasks", "wagtail", "tips"):  # one line per object is just noise
            logging.getLogger(name).setLevel(logging.WARNING)
        locales = self._locales()
        seed_regions(Region, Locale)  # Belgium's regions in every language (idempotent)
        if HomePage.objects.filter(locale=locales["fr"]).exists():
            group = ensure_editors_group()
            self._editor(group)
            self.stdout.write("Demo appeals already present: skipped.")
        else:
            with transaction.atomic():
                homes, indexes = self._tree(locales)
                offences = self._translated_snippets(Offence, locales, self._offence_rows())
                desks = self._translated_snippets(Desk, locales, self._desk_rows())
                self._appeals(random.Random(seed), locales, indexes, offences, desks)  # noqa: S311
                self._kind_appeals(locales, indexes, desks)
                group = ensure_editors_group()
                self._editor(group)
            self.stdout.write(
                self.style.SUCCESS(f"Loaded {APPEAL_COUNT} demo appeals in 4 languages.")
            )
        self._tip_line(tip_demo)
        self._print_credentials()
        self.stdout.write("\n".join(tip_demo.credentials_lines()))

    def _tip_line(self, tip_demo):
        result = tip_demo.load()
        if result.recovery_file:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Demo recovery key created; private half in {result.recovery_file}."
                )
            )
        if result.tips_sent:
            self.stdout.write(self.style.SUCCESS(f"Sent {result.tips_sent} demo tips."))
        else:
            self.stdout.write("Tip line demo already present: skipped.")

    # --- structure

    def _locales(self) -> dict[str, Locale]:
        return {code: Locale.objects.get_or_create(language_code=code)[0] for code in data.LANGS}

    def _tree(self, locales):
        root = Page.get_first_root_node()
        key = uuid.uuid4()
        index_key = uuid.uuid4()
        homes, indexes = {}, {}
        for i, code in enumerate(data.LANGS):
            home = HomePage(
                title=data.HOME["title"][i],
                slug=f"home-{code}",
                intro=data.HOME["intro"][i],
                locale=locales[code],
                translation_key=key,
            )
            root.add_child(instance=home)
            homes[code] = home
            index = AppealIndexPage(
                title=data.INDEX["title"][i],
                slug=data.INDEX["slug"][i],
                locale=locales[code],
                translation_key=index_key,
            )
            home.add_child(instance=index)
            indexes[code] = index
        site = Site.objects.filter(is_default_site=True).first()
        old_root = site.root_page if site else None
        if site:
            site.root_page = homes["fr"]
            site.save()
        else:
            Site.objects.create(
                hostname="localhost", port=80, root_page=homes["fr"], is_default_site=True
            )
        if old_root and old_root.specific_class is Page and not old_root.get_children().exists():
            old_root.delete()
        return homes, indexes

    def _offence_rows(self):
        return [{"slug": slug, "name": names} for slug, names in data.OFFENCES]

    def _desk_rows(self):
        return [{"name": names, "description": desc} for names, desc in data.DESKS]

    def _translated_snippets(self, model, locales, rows):
        """Create each row in every locale; returns {lang: [objects in row order]}."""
        result = {code: [] for code in data.LANGS}
        for row in rows:
            key = uuid.uuid4()
            for i, code in enumerate(data.LANGS):
                values = {k: (v[i] if isinstance(v, tuple) else v) for k, v in row.items()}
                obj = model.objects.create(locale=locales[code], translation_key=key, **values)
                result[code].append(obj)
        return result

    # --- appeals

    def _plan(self, rng: random.Random) -> list[dict]:
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

    def _appeals(self, rng, locales, indexes, offences, desks):
        image_model = get_image_model()
        for p in self._plan(rng):
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
                    )
                    for image, variant in images
                ]
                indexes[code].add_child(instance=page)
                # add_child stamps publication dates with "now": restore the planned ones.
                AppealPage.objects.filter(pk=page.pk).update(
                    first_published_at=p["published"], last_published_at=p["updated"]
                )

    def _kind_appeals(self, locales, indexes, desks):
        """One or more appeals of each kind added by issue 16, with drawn images."""
        image_model = get_image_model()
        now = timezone.now()
        for n, p in enumerate(data.KIND_APPEALS, start=APPEAL_COUNT + 1):
            images = []
            for j, (variant, kind) in enumerate(p["photos"]):
                image = image_model(title=f"Demo {variant} {n}-{j}")
                image.file = ImageFile(
                    ContentFile(draw(n * 10 + j, variant)), name=f"demo-{n}-{j}.jpg"
                )
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
                    AppealPhoto(image=image, kind=kind, caption=data.KIND_CAPTIONS[variant][i])
                    for image, variant, kind in images
                ]
                indexes[code].add_child(instance=page)
                AppealPage.objects.filter(pk=page.pk).update(
                    first_published_at=published, last_published_at=published
                )

    # --- accounts

    def _editor(self, group):
        user_model = get_user_model()
        user, created = user_model.objects.get_or_create(
            username=EDITOR_USERNAME,
            defaults={
                "email": "editor@example.invalid",
                "first_name": "Demo",
                "last_name": "Editor",
            },
        )
        if created:
            user.set_password(EDITOR_PASSWORD)
            user.save()
        user.groups.add(group)
        self._editor_totp(user)

    def _editor_totp(self, user):
        """A confirmed TOTP device with the documented secret (made if missing)."""
        import base64

        from django_otp.plugins.otp_totp.models import TOTPDevice

        if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            TOTPDevice.objects.create(
                user=user,
                name="tips",
                key=base64.b32decode(EDITOR_TOTP_SECRET).hex(),  # encrypted on save
                confirmed=True,
            )

    def _editor_code(self) -> str:
        import base64

        from django_otp.oath import totp

        return f"  {EDITOR_USERNAME:<28} {totp(base64.b32decode(EDITOR_TOTP_SECRET)):06d}"

    def _print_credentials(self):
        self.stdout.write(
            f"Demo editor (development only): username '{EDITOR_USERNAME}', "
            f"password '{EDITOR_PASSWORD}', TOTP secret {EDITOR_TOTP_SECRET} at /admin/"
        )
