"""The JSON API: published appeals only, filters, pagination, and it matches its OpenAPI."""

import pytest


@pytest.fixture
def api_data(make_appeal, offences, desk):
    fr = offences["fr"]
    live = make_appeal(
        full_name="Api Wanted",
        kind="wanted",
        photos=2,
        desk=desk,
        offences=[fr["murder"]],
        nationalities=["BE"],
        region="brussels",
    )
    make_appeal(lang="nl", translation_of=live, full_name="Api Gezocht", photos=1)
    make_appeal(full_name="Api Identify", kind="identify", offences=[fr["fraud"]])
    make_appeal(full_name="Api Arrested", status="arrested")
    draft = make_appeal(full_name="Api Draft")
    draft.unpublish()
    return {"live": live, "draft": draft}


def names(response):
    return sorted(item["full_name"] for item in response.json()["items"])


def test_lists_published_appeals_only(client, api_data):
    data = client.get("/api/v1/appeals").json()
    assert sorted(i["full_name"] for i in data["items"]) == ["Api Identify", "Api Wanted"]
    assert data["total"] == 2 and data["page"] == 1
    assert client.get(f"/api/v1/appeals/{api_data['draft'].pk}").status_code == 404
    assert client.get(f"/api/v1/appeals/{api_data['live'].pk}").status_code == 200


@pytest.mark.parametrize(
    "params, expected",
    [
        ("kind=identify", ["Api Identify"]),
        ("offence=murder", ["Api Wanted"]),
        ("region=brussels", ["Api Wanted"]),
        ("nationality=BE", ["Api Wanted"]),
        ("status=arrested", ["Api Arrested"]),
        ("status=all", ["Api Arrested", "Api Identify", "Api Wanted"]),
        ("q=Identify", ["Api Identify"]),
        ("language=nl", ["Api Gezocht"]),
    ],
)
def test_filters(client, api_data, params, expected):
    assert names(client.get(f"/api/v1/appeals?{params}")) == expected


def test_pagination(client, api_data):
    first = client.get("/api/v1/appeals?page_size=1&page=1").json()
    second = client.get("/api/v1/appeals?page_size=1&page=2").json()
    assert first["pages"] == 2 and len(first["items"]) == 1
    assert first["items"][0]["id"] != second["items"][0]["id"]
    assert client.get("/api/v1/appeals?page_size=500").status_code == 422


def test_item_content_and_nothing_private(client, api_data):
    item = client.get(f"/api/v1/appeals/{api_data['live'].pk}").json()
    assert item["offences"] == [{"slug": "murder", "name": "Meurtre"}]
    assert item["nationalities"] == ["BE"]
    assert len(item["photos"]) == 2
    assert item["photos"][0]["thumb"].startswith("http://testserver/")
    assert item["tip_url"] == f"http://testserver/tip/appeal/{item['id']}/"
    body = client.get(f"/api/v1/appeals/{api_data['live'].pk}").content.decode()
    assert "Secret internal desk" not in body and "internal routing" not in body
    assert "desk" not in item


# --- OpenAPI conformance: a small validator for the JSON Schema subset ninja emits.


def resolve(schema, root):
    while "$ref" in schema:
        node = root
        for part in schema["$ref"].lstrip("#/").split("/"):
            node = node[part]
        schema = node
    return schema


def validate(value, schema, root, path="$"):
    schema = resolve(schema, root)
    if "anyOf" in schema:
        errors = []
        for option in schema["anyOf"]:
            try:
                validate(value, option, root, path)
                return
            except AssertionError as exc:
                errors.append(str(exc))
        raise AssertionError(f"{path}: no anyOf option matches: {errors}")
    kind = schema.get("type")
    checks = {
        "object": dict,
        "array": list,
        "string": str,
        "boolean": bool,
        "null": type(None),
    }
    if kind == "integer":
        assert isinstance(value, int) and not isinstance(value, bool), f"{path}: not int"
    elif kind == "number":
        assert isinstance(value, int | float), f"{path}: not a number"
    elif kind in checks:
        assert isinstance(value, checks[kind]), f"{path}: {value!r} is not {kind}"
    if kind == "object":
        props = schema.get("properties", {})
        for name in schema.get("required", []):
            assert name in value, f"{path}: missing {name}"
        for name, item in value.items():
            if name not in props and schema.get("additionalProperties") is True:
                continue  # a free-form object, documented as such
            assert name in props, f"{path}: {name} is not documented"
            validate(item, props[name], root, f"{path}.{name}")
    if kind == "array":
        for i, item in enumerate(value):
            validate(item, schema.get("items", {}), root, f"{path}[{i}]")


def test_responses_match_the_openapi_document(client, api_data):
    spec = client.get("/api/v1/openapi.json").json()
    assert spec["openapi"].startswith("3.")
    list_op = spec["paths"]["/api/v1/appeals"]["get"]
    documented = {p["name"] for p in list_op["parameters"]}
    assert {
        "kind",
        "status",
        "offence",
        "region",
        "sex",
        "nationality",
        "q",
        "page",
        "page_size",
        "language",
        "sort",
    } <= documented
    list_schema = list_op["responses"]["200"]["content"]["application/json"]["schema"]
    for query in ("", "?status=all", "?language=nl"):
        validate(client.get("/api/v1/appeals" + query).json(), list_schema, spec)
    item_op = spec["paths"]["/api/v1/appeals/{appeal_id}"]["get"]
    item_schema = item_op["responses"]["200"]["content"]["application/json"]["schema"]
    validate(client.get(f"/api/v1/appeals/{api_data['live'].pk}").json(), item_schema, spec)
    with pytest.raises(AssertionError):
        validate({"total": "many"}, list_schema, spec)
