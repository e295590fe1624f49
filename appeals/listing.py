"""Finding appeals: filters, full-text search, sorting and pagination.

Shared by the appeal index page, the feeds and the JSON API so that a filter means the same
thing everywhere. Filter values come from query strings: invalid values are ignored.
"""

import re
from dataclasses import asdict, dataclass, fields
from urllib.parse import urlencode

from django.core.paginator import EmptyPage, Paginator
from django.db.models import Case, IntegerField, Q, When

from mostwanted.pagecache import reads_query

from .choices import Kind, Sex, Status
from .countries import country_name, country_options, is_country
from .lookups import offence_options
from .lookups import regions as cached_regions
from .models import AppealIndexPage, AppealPage
from .regions import region_options

PAGE_SIZE = 12
MAX_SEARCH_RESULTS = 500
STATUS_ALL = "all"
SORTS = ("newest", "updated", "relevance")
MAX_SEARCH_WORDS = 12
# Letters and digits only: quotes, NUL, ``*``, ``:``, parentheses and the like are separators,
# so no user text ever reaches a backend's query syntax (SQLite FTS5, PostgreSQL tsquery).
_WORD = re.compile(r"[^\W_]+")


def search_words(text: str) -> str:
    """The words of ``text``, space-separated, for a plain "all these words" search."""
    return " ".join(_WORD.findall(text or "")[:MAX_SEARCH_WORDS])


@dataclass(frozen=True)
class Filters:
    kind: str = ""
    status: str = ""
    offence: str = ""
    country: str = ""
    region: str = ""
    sex: str = ""
    nationality: str = ""
    q: str = ""
    sort: str = ""

    @classmethod
    def from_params(cls, params) -> "Filters":
        def pick(name, allowed):
            value = (params.get(name) or "").strip()
            return value if value in allowed else ""

        def slug(name):
            value = (params.get(name) or "").strip()[:80]
            return value if value.replace("-", "").replace("_", "").isalnum() else ""

        def country(name):
            value = (params.get(name) or "").strip().upper()[:2]
            return value if is_country(value) else ""

        return cls(
            kind=pick("kind", Kind.values),
            status=pick("status", [*Status.values, STATUS_ALL]),
            offence=slug("offence"),
            # Regions are editable data: any well-formed code is accepted; unknown ones match
            # nothing.
            country=country("country"),
            region=slug("region"),
            sex=pick("sex", Sex.values),
            nationality=country("nationality"),
            q=" ".join((params.get("q") or "").replace("\x00", " ").split())[:200],
            sort=pick("sort", SORTS),
        )

    def as_params(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v}

    def is_default(self) -> bool:
        return not any(getattr(self, f.name) for f in fields(self) if f.name != "sort")


def live_appeals(locale_id: int | None = None):
    qs = AppealPage.objects.live().public()
    if locale_id is not None:
        qs = qs.filter(locale_id=locale_id)
    return qs


def filter_appeals(qs, f: Filters):
    """Apply ``f`` to a queryset of live appeals; returns the filtered, sorted queryset."""
    if f.status == STATUS_ALL:
        pass
    elif f.status:
        qs = qs.filter(status=f.status)
    else:
        # Resolved (arrested, identified, found) and closed appeals leave the default listing.
        qs = qs.filter(status=Status.ACTIVE)
    for name in ("kind", "sex"):
        value = getattr(f, name)
        if value:
            qs = qs.filter(**{name: value})
    if f.region:
        # A region matches its parts too (Flemish Region: its five provinces).
        qs = qs.filter(Q(region__code=f.region) | Q(region__parent__code=f.region))
    if f.country:
        qs = qs.filter(
            Q(facts_country=f.country)
            | Q(region__country=f.country)
            # Two-letter codes joined by commas: a code can only match a whole code.
            | Q(possible_countries__contains=f.country)
        )
    if f.offence:
        qs = qs.filter(pk__in=AppealPage.objects.filter(offences__slug=f.offence).values("pk"))
    if f.nationality:
        qs = qs.filter(
            pk__in=AppealPage.objects.filter(nationalities__code=f.nationality).values("pk")
        )
    ranked: list[int] = []
    words = search_words(f.q)
    if words:
        base = qs.model.objects.live()
        ranked = [p.pk for p in base.search(words, operator="and")[:MAX_SEARCH_RESULTS]]
        qs = qs.filter(pk__in=ranked)
    elif f.q:
        # Only punctuation: nothing can match, and the user sees an empty result.
        qs = qs.none()
    sort = f.sort or ("relevance" if words else "newest")
    if sort == "relevance" and ranked:
        order = Case(
            *[When(pk=pk, then=pos) for pos, pk in enumerate(ranked)],
            output_field=IntegerField(),
        )
        return qs.order_by(order)
    if sort == "updated":
        return qs.order_by("-last_published_at", "-pk")
    return qs.order_by("-first_published_at", "-pk")


def paginate(qs, number, per_page=PAGE_SIZE):
    paginator = Paginator(qs, per_page)
    try:
        number = int(number or 1)
    except (TypeError, ValueError):
        number = 1
    try:
        return paginator.page(number)
    except EmptyPage:
        return paginator.page(paginator.num_pages)


def index_for_locale(home):
    """The first live appeal index under ``home``."""
    return AppealIndexPage.objects.live().child_of(home).first()


def listing_context(index_page, request) -> dict:
    # The page cache keys this page on these parameters only (junk ones make no new entry).
    reads_query(request, [*(field.name for field in fields(Filters)), "page"])
    f = Filters.from_params(request.GET)
    # The index itself passed Wagtail's view-restriction check; appeals have no children,
    # so excluding directly restricted appeals is enough (and costs no extra query).
    base = AppealPage.objects.live().child_of(index_page).exclude(view_restrictions__isnull=False)
    qs = filter_appeals(base, f)
    page_obj = paginate(qs, request.GET.get("page"))
    appeals = AppealPage.localize_offences(
        AppealPage.with_listing_data(page_obj.object_list, nationalities=False)
    )
    params = f.as_params()
    regions = cached_regions(index_page.locale_id)
    return {
        "filters": f,
        "filter_query": urlencode(params),
        "appeals": appeals,
        "page_obj": page_obj,
        "offence_options": offence_options(index_page.locale_id),
        "kind_options": Kind.choices,
        "status_options": Status.choices,
        "country_options": used_country_options(base, regions),
        "region_options": region_options(regions),
        "sex_options": Sex.choices,
        "nationality_options": country_options(),
        "status_all": STATUS_ALL,
    }


def used_country_options(appeals, regions) -> list[tuple[str, str]]:
    """Countries of ``regions`` (snippets) or of a live appeal, in one query: the country
    filter stays short, and an editor's new region brings its country with no code change.
    ``appeals``: the unfiltered queryset of the listing."""
    codes = {r.country.code for r in regions}
    pairs = (
        appeals.exclude(facts_country="", possible_countries="")
        .order_by()
        .values_list("facts_country", "possible_countries")
        .distinct()
    )
    for facts, possible in pairs:
        codes.add(facts)
        codes.update(possible.split(","))
    return sorted(((c, country_name(c)) for c in codes if c), key=lambda o: o[1])
