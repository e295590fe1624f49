"""Read-only JSON API of published appeals (django-ninja), modelled on the FBI Wanted API.

``GET /api/v1/appeals`` lists appeals with the same filters as the appeal index;
``GET /api/v1/appeals/{id}`` returns one. The OpenAPI document is at ``/api/v1/openapi.json``.
Only public fields are exposed: nothing about desks, editors or tips.
"""

import datetime

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import translation
from ninja import Field, NinjaAPI, Query, Schema, Status
from wagtail.models import Locale

from mostwanted.pagecache import reads_query

from .cache import mark_public
from .listing import Filters, filter_appeals, live_appeals, paginate
from .models import AppealPage

# Largest id a database column can hold (SQLite and PostgreSQL bigint): larger ids cannot exist.
MAX_ID = 2**63 - 1

API_RENDITIONS = {"thumb": "fill-320x400|format-jpeg", "large": "width-960|format-jpeg"}

api = NinjaAPI(
    title="Most Wanted public API",
    version="1.0",
    description="Published police appeals for information. Read-only, no authentication.",
    urls_namespace="appeals_api",
    docs_url=None,
    openapi_url=None,  # served by ``openapi_json`` below, with public cache headers
)


class PhotoOut(Schema):
    kind: str = Field(
        description="photo, cctv, efit, age-progressed, reconstruction, mark, belongings, "
        "object or place"
    )
    caption: str
    thumb: str = Field(description="URL of a 320×400 JPEG rendition")
    large: str = Field(description="URL of a JPEG rendition 960 px wide")
    width: int
    height: int


class RegionOut(Schema):
    code: str
    name: str
    country: str = Field(description="ISO 3166-1 alpha-2 code")
    parent: str | None = Field(description="Code of the larger region it is part of")


class OffenceOut(Schema):
    slug: str
    name: str


class AppealOut(Schema):
    id: int
    uid: str = Field(description="Shared by the translations of an appeal")
    language: str
    url: str
    tip_url: str | None = Field(
        description="The tip form; null once the appeal is arrested, identified, found or closed"
    )
    poster_url: str
    title: str
    kind: str = Field(
        description="wanted, identify, witness, missing, unknown (unidentified person) or object "
        "(object or place)"
    )
    status: str = Field(description="active, arrested, identified, found or closed")
    child: bool = Field(description="A missing child (never a reward)")
    alert: bool = Field(description="A missing person alert")
    deceased: bool = Field(description="An unidentified deceased person")
    status_changed_on: datetime.date
    full_name: str | None
    aliases: list[str]
    sex: str
    date_of_birth: datetime.date | None
    age_min: int | None
    age_max: int | None
    nationalities: list[str] = Field(description="ISO 3166-1 alpha-2 codes")
    height_min_cm: int | None
    height_max_cm: int | None
    build: str
    eyes: str
    hair: str
    distinguishing_marks: str
    languages: str
    offences: list[OffenceOut]
    facts_html: str
    facts_place: str
    facts_date: datetime.date | None
    region: RegionOut | None
    country: str | None = Field(description="ISO 3166-1 alpha-2 code of the country of the facts")
    possible_countries: list[str] = Field(
        description="ISO 3166-1 alpha-2 codes of the countries where the person may be"
    )
    case_reference: str
    reward_amount: int | None = Field(
        description="In euros; the same in every language; null for a missing child"
    )
    reward: str
    caution: str
    photos: list[PhotoOut]
    published: datetime.datetime | None
    modified: datetime.datetime | None


class AppealList(Schema):
    total: int
    page: int
    page_size: int
    pages: int
    items: list[AppealOut]


class ErrorOut(Schema):
    detail: str


class ValidationIssue(Schema):
    type: str = Field(description="Machine-readable reason, e.g. int_parsing")
    loc: list[str | int] = Field(description='Where, e.g. ["query", "page"]')
    msg: str
    ctx: dict | None = Field(None, description="The limit that was broken, if any")


class ValidationErrorOut(Schema):
    detail: list[ValidationIssue] = Field(description="One entry per invalid parameter")


LIST_RESPONSES = {
    200: AppealList,
    404: ErrorOut,  # unknown language
    422: ValidationErrorOut,  # a parameter of the wrong type or out of range
}
ITEM_RESPONSES = {200: AppealOut, 404: ErrorOut, 422: ValidationErrorOut}


class AppealQuery(Schema):
    language: str = Field("fr", description="fr, nl, de or en")
    kind: str = Field("", description="wanted, identify, witness, missing, unknown or object")
    status: str = Field(
        "", description="active (default), arrested, identified, found, closed or all"
    )
    offence: str = Field("", description="Offence slug")
    country: str = Field(
        "",
        description="ISO 3166-1 alpha-2 code: country of the facts, of the region, or where "
        "the person may be",
    )
    region: str = Field("", description="Region code (a region matches its parts too)")
    sex: str = Field("", description="male, female or unknown")
    nationality: str = Field("", description="ISO 3166-1 alpha-2 code")
    q: str = Field("", description="Full-text search")
    sort: str = Field("", description="newest (default), updated or relevance")
    page: int = Field(1, ge=1)
    page_size: int = Field(20, ge=1, le=50)


def _locale(code: str) -> Locale | None:
    # Checked against the settings first: arbitrary text (NUL included) never reaches SQL.
    if code not in dict(settings.LANGUAGES):
        return None
    return Locale.objects.filter(language_code=code).first()


def _absolute(request, url: str) -> str:
    return url if url.startswith(("http://", "https://")) else request.build_absolute_uri(url)


def _region(region) -> dict | None:
    if region is None:
        return None
    return {
        "code": region.code,
        "name": region.name,
        "country": region.country.code,
        "parent": region.parent.code if region.parent else None,
    }


def serialize(appeal, request) -> dict:
    photos = []
    for photo in appeal.photo_list():
        renditions = photo.image.get_renditions(*API_RENDITIONS.values())
        thumb = renditions[API_RENDITIONS["thumb"]]
        large = renditions[API_RENDITIONS["large"]]
        photos.append(
            {
                "kind": photo.kind,
                "caption": photo.caption,
                "thumb": _absolute(request, thumb.url),
                "large": _absolute(request, large.url),
                "width": large.width,
                "height": large.height,
            }
        )
    url = appeal.get_url(request) or ""
    return {
        "id": appeal.pk,
        "uid": str(appeal.translation_key),
        "language": appeal.locale.language_code,
        "url": _absolute(request, url),
        "tip_url": _absolute(request, appeal.get_tip_url(appeal.locale.language_code))
        if appeal.asks_for_help
        else None,
        "poster_url": _absolute(request, url + appeal.reverse_subpage("poster")),
        "title": appeal.title,
        "kind": appeal.kind,
        "status": appeal.status,
        "child": appeal.is_child,
        "alert": appeal.alert,
        "deceased": appeal.deceased,
        "status_changed_on": appeal.status_changed_on,
        "full_name": appeal.full_name or None,
        "aliases": appeal.alias_list,
        "sex": appeal.sex,
        "date_of_birth": appeal.date_of_birth,
        "age_min": appeal.age_min,
        "age_max": appeal.age_max,
        "nationalities": [n.code.code for n in appeal.nationalities.all()],
        "height_min_cm": appeal.height_min_cm,
        "height_max_cm": appeal.height_max_cm,
        "build": appeal.build,
        "eyes": appeal.eyes,
        "hair": appeal.hair,
        "distinguishing_marks": appeal.distinguishing_marks,
        "languages": appeal.languages,
        "offences": [{"slug": o.slug, "name": o.name} for o in appeal.offence_list()],
        "facts_html": appeal.facts,
        "facts_place": appeal.facts_place,
        "facts_date": appeal.facts_date,
        "region": _region(appeal.region),
        "country": appeal.facts_country.code or None,
        "possible_countries": [c.code for c in appeal.possible_countries],
        "case_reference": appeal.case_reference,
        "reward_amount": None if appeal.is_child else appeal.reward_amount,
        "reward": "" if appeal.is_child else appeal.reward,
        "caution": appeal.caution,
        "photos": photos,
        "published": appeal.first_published_at,
        "modified": appeal.last_published_at,
    }


@api.get("/appeals", response=LIST_RESPONSES, tags=["appeals"], summary="List published appeals")
def list_appeals(request: HttpRequest, response: HttpResponse, query: Query[AppealQuery]):
    reads_query(request, AppealQuery.model_fields)  # the page cache keys on these only
    locale = _locale(query.language)
    if locale is None:
        return Status(404, {"detail": "Unknown language"})
    f = Filters.from_params(query.dict())
    qs = filter_appeals(live_appeals(locale.pk), f).select_related(
        "locale", "region", "region__parent"
    )
    page_obj = paginate(qs, query.page, per_page=query.page_size)
    mark_public(response)
    with translation.override(locale.language_code):
        items = [serialize(a, request) for a in AppealPage.with_listing_data(page_obj.object_list)]
    return Status(
        200,
        {
            "total": page_obj.paginator.count,
            "page": page_obj.number,
            "page_size": query.page_size,
            "pages": page_obj.paginator.num_pages,
            "items": items,
        },
    )


@api.get(
    "/appeals/{appeal_id}",
    response=ITEM_RESPONSES,
    tags=["appeals"],
    summary="One published appeal",
)
def get_appeal(request: HttpRequest, response: HttpResponse, appeal_id: int):
    appeal = None
    if 0 < appeal_id <= MAX_ID:  # outside that range no row can exist, and SQL would overflow
        live = (
            live_appeals().filter(pk=appeal_id).select_related("locale", "region", "region__parent")
        )
        appeal = AppealPage.with_listing_data(live).first()
    mark_public(response)
    if appeal is None:
        return Status(404, {"detail": "Not found"})
    with translation.override(appeal.locale.language_code):
        return Status(200, serialize(appeal, request))


def openapi_json(request):
    """The OpenAPI document of this API (stable URL: /api/v1/openapi.json)."""
    schema = api.get_openapi_schema(path_prefix="/api/v1")
    return mark_public(JsonResponse(schema, json_dumps_params={"ensure_ascii": False}))
