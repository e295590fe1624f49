"""The Wagtail admin under the strict CSP (docs/admin-csp.md).

The project replaces Wagtail's inline scripts (template overrides, the chooser patch in
``mostwanted.admin_csp``) and sends the admin its own few CSP directives. The hashes below
pin the upstream code each replacement copies or extends: after a Wagtail upgrade a changed
hash fails here, so the override is compared with the new upstream source before the hash is
updated (docs/admin-csp.md says how).
"""

import hashlib
import inspect
import json
import re
from pathlib import Path

import pytest
import wagtail
from django.apps import apps
from django.forms.renderers import get_default_renderer
from django.template.loader import get_template
from django.test import RequestFactory

from mostwanted import admin_csp
from tests.appeals.conftest import desk, make_appeal, site_tree  # noqa: F401 - fixtures

REPO = Path(__file__).resolve().parents[2]
WAGTAIL = Path(wagtail.__file__).parent
ADMIN_INIT_JS = REPO / "site" / "static" / "js" / "admin-init.js"
WAGTAIL_VERSION = "7.4.4"

# Upstream templates the project overrides (site/templates/<name>), by SHA-256 of Wagtail's file.
UPSTREAM_TEMPLATES = {
    "wagtailadmin/panels/inline_panel.html": (
        "195bb0b199edb062dcf41a5a92ecabf5bae52a6eac06823eb3cd12b799be4f89"
    ),
    "wagtailadmin/panels/multiple_chooser_panel.html": (
        "673bc9b26ca95c0385e7ac8a5c81d2449e6e59df841f74fe89d5003f877a653d"
    ),
    "wagtailadmin/widgets/date_input.html": (
        "2557f7a4fd543d7cd6f192a97fdd0c12ebfad9a8d4ab2b7fe72a2f011cd049c8"
    ),
    "wagtailadmin/widgets/datetime_input.html": (
        "479d8ddeaa73d2fdd33d584118d51b0c3ec4c2dc5b90a66b526874f9799d2676"
    ),
    "wagtailadmin/widgets/time_input.html": (
        "536917c544a135631e8683866e8351bd491822a336c9a59639ab71338638e242"
    ),
}
# Upstream Python that mostwanted.admin_csp replaces or relies on, by SHA-256 of its source.
UPSTREAM_CODE = {
    "BaseChooser.render": "810cfc10654a354cfa72ae5ee60bf0eb75c5cf44c6a00e117156aa2a127e3fbb",
    "BaseChooser.render_js_init": (
        "98a285f477211f35187f51e01f7a82ac6cbfad731aa0f19daf687e89d1726542"
    ),
    "AdminTaskChooser.render_js_init": (
        "e0e19ae6f795a0bd3a10c8d3d6ec87d82ccb30273cb77785718747f30adcbd3e"
    ),
}
# An executable inline script: a <script> element without src and not a JSON data block.
INLINE_SCRIPT = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*application/(?:ld\+)?json)[^>]*>", re.IGNORECASE
)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def upstream_code():
    from wagtail.admin.widgets import BaseChooser
    from wagtail.admin.widgets.workflows import AdminTaskChooser

    return {
        "BaseChooser.render": admin_csp._UPSTREAM_RENDER,
        "BaseChooser.render_js_init": BaseChooser.render_js_init,
        "AdminTaskChooser.render_js_init": AdminTaskChooser.render_js_init,
    }


def allowed_initialisers() -> set[str]:
    block = re.search(r"var ALLOWED = \{(.*?)\};", ADMIN_INIT_JS.read_text(), re.S).group(1)
    return set(re.findall(r"(\w+):\s*(?:true|false)", block))


def test_wagtail_version_is_the_one_documented():
    assert wagtail.__version__ == WAGTAIL_VERSION, (
        "Wagtail changed: check every override listed in docs/admin-csp.md against the new "
        "upstream source, then update WAGTAIL_VERSION, the hashes here and the document."
    )
    assert f"Wagtail {WAGTAIL_VERSION}" in (REPO / "docs" / "admin-csp.md").read_text()


@pytest.mark.parametrize("name", sorted(UPSTREAM_TEMPLATES))
def test_overridden_upstream_template_is_unchanged(name):
    upstream = WAGTAIL / "admin" / "templates" / name
    assert sha256(upstream.read_bytes()) == UPSTREAM_TEMPLATES[name], (
        f"Wagtail's {name} changed: compare it with site/templates/{name} (docs/admin-csp.md)"
    )


@pytest.mark.parametrize("name", sorted(UPSTREAM_CODE))
def test_replaced_upstream_chooser_code_is_unchanged(name):
    source = inspect.getsource(upstream_code()[name])
    assert sha256(source.encode()) == UPSTREAM_CODE[name], (
        f"Wagtail's {name} changed: compare it with mostwanted/admin_csp.py"
    )


def test_every_inline_script_of_installed_wagtail_apps_is_overridden():
    """A Wagtail upgrade that adds an inline script to an installed app fails here."""
    found = set()
    for config in apps.get_app_configs():
        if not config.name.startswith("wagtail"):
            continue
        templates = Path(config.path) / "templates"
        for path in templates.rglob("*.html"):
            if INLINE_SCRIPT.search(path.read_text(encoding="utf-8")):
                found.add(path.relative_to(templates).as_posix())
    assert found == set(UPSTREAM_TEMPLATES)
    python_with_scripts = {
        path.relative_to(WAGTAIL).as_posix()
        for path in WAGTAIL.rglob("*.py")
        if "tests" not in path.parts
        and path.parts[-2:-1] != ("test",)
        and "test" not in path.relative_to(WAGTAIL).parts[:1]
        and "<script>" in path.read_text(encoding="utf-8")
    }
    assert python_with_scripts == {"admin/widgets/chooser.py"}


@pytest.mark.parametrize("name", sorted(UPSTREAM_TEMPLATES))
def test_overrides_win_for_pages_and_form_widgets(name):
    mine = REPO / "site" / "templates" / name
    assert Path(get_template(name).origin.name) == mine
    assert Path(get_default_renderer().get_template(name).origin.name) == mine
    assert not INLINE_SCRIPT.search(mine.read_text())


def carriers(html: str) -> list[dict]:
    from html.parser import HTMLParser

    found = []

    class Parser(HTMLParser):
        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if tag == "template" and "data-mw-init" in attrs:
                found.append(attrs)

    Parser().feed(html)
    return found


def test_date_widgets_render_an_allowed_carrier_and_no_script():
    from wagtail.admin.widgets import AdminDateInput, AdminDateTimeInput, AdminTimeInput

    cases = [
        (AdminDateInput, "initDateChooser"),
        (AdminDateTimeInput, "initDateTimeChooser"),
        (AdminTimeInput, "initTimeChooser"),
    ]
    for widget_class, initialiser in cases:
        html = widget_class().render("when", None, {"id": "id_when"})
        assert not INLINE_SCRIPT.search(html)
        [carrier] = carriers(html)
        assert carrier["data-mw-init"] == initialiser in allowed_initialisers()
        assert carrier["data-mw-id"] == "id_when"
        assert "format" in json.loads(carrier["data-mw-options"])


def test_choosers_render_an_allowed_carrier_and_no_script(db, desk):  # noqa: F811
    from wagtail.admin.widgets import AdminPageChooser
    from wagtail.admin.widgets.workflows import AdminTaskChooser
    from wagtail.images.widgets import AdminImageChooser
    from wagtail.snippets.widgets import AdminSnippetChooser

    from appeals.models import Desk

    cases = [
        (AdminImageChooser(), "ImageChooser", "/admin/images/chooser/"),
        (AdminSnippetChooser(Desk), "SnippetChooser", "/admin/snippets/choose/appeals/desk/"),
        (AdminPageChooser(), "PageChooser", "/admin/choose-page/"),
        (AdminTaskChooser(), "createTaskChooser", None),
    ]
    for widget, initialiser, modal_url in cases:
        html = widget.render("field", None, {"id": "id_field"})
        assert not INLINE_SCRIPT.search(html), html
        [carrier] = carriers(html)
        assert carrier["data-mw-init"] == initialiser in allowed_initialisers()
        assert carrier["data-mw-id"] == "id_field"
        if modal_url:
            assert json.loads(carrier["data-mw-options"])["modalUrl"] == modal_url
    # A chosen value renders the same way (the desk's name in the widget, not in a script).
    html = AdminSnippetChooser(Desk).render("desk", desk.pk, {"id": "id_desk"})
    assert desk.name in html and not INLINE_SCRIPT.search(html)


def test_carrier_attributes_are_escaped():
    html = admin_csp.init_carrier("InlinePanel", '"><script>x</script>', {"a": "</template>"})
    assert "<script>" not in html and "</template></template>" not in html
    [carrier] = carriers(html)
    assert carrier["data-mw-id"] == '"><script>x</script>'
    assert json.loads(carrier["data-mw-options"]) == {"a": "</template>"}


def editor_client(client, django_user_model):
    from appeals.permissions import ensure_editors_group
    from tests.conftest import login_verified

    user = django_user_model.objects.create_user("ed", password="ed-password-0123456")
    user.groups.add(ensure_editors_group())
    login_verified(client, user)  # editors pass a second factor too (issue 14)
    return client


def test_appeal_editor_has_no_inline_script(client, django_user_model, make_appeal, desk):  # noqa: F811
    page = make_appeal(desk=desk, photos=2)
    client = editor_client(client, django_user_model)
    index = page.get_parent()
    for url in (
        f"/admin/pages/{page.pk}/edit/",
        f"/admin/pages/add/appeals/appealpage/{index.pk}/",
    ):
        response = client.get(url)
        assert response.status_code == 200
        html = response.content.decode()
        assert not INLINE_SCRIPT.search(html), INLINE_SCRIPT.search(html)
        names = {c["data-mw-init"] for c in carriers(html)}
        assert {"InlinePanel", "ImageChooser", "SnippetChooser", "initDateChooser"} <= names
        assert names <= allowed_initialisers()
        assert "/static/js/admin-init.js" in html
        policy = response["Content-Security-Policy"]
        assert "script-src 'self';" in policy + ";" and "unsafe-eval" not in policy


def policy_of(response) -> dict[str, str]:
    return {
        part.strip().split(" ", 1)[0]: part.strip().split(" ", 1)[1]
        for part in response["Content-Security-Policy"].split(";")
    }


def test_admin_policy_adds_frames_and_styles_but_never_inline_scripts(admin_client, site_tree):  # noqa: F811
    admin = policy_of(admin_client.get("/admin/"))
    assert admin["script-src"] == "'self'"
    assert admin["frame-src"] == "'self'"
    assert admin["frame-ancestors"] == "'none'"
    assert admin["style-src"] == "'self' 'unsafe-inline'"
    public = policy_of(admin_client.get("/"))
    assert public["script-src"] == "'self'" and public["style-src"] == "'self'"
    assert public["frame-ancestors"] == "'none'" and "frame-src" not in public


def test_only_the_preview_panel_may_be_framed_by_the_admin(admin_client, make_appeal):  # noqa: F811
    """The preview panel's iframe (``in_preview_panel``) may be framed by the admin; "view
    draft" (a tab of its own) and the public page may not. The panel itself is exercised by
    tests/e2e/test_editor_journey.py."""
    from django.http import HttpResponse

    from mostwanted.middleware import ContentSecurityPolicyMiddleware

    page = make_appeal()
    draft = admin_client.get(f"/admin/pages/{page.pk}/view_draft/")
    assert draft.status_code == 200
    assert policy_of(draft)["frame-ancestors"] == "'none'"
    assert policy_of(admin_client.get(page.url))["frame-ancestors"] == "'none'"

    middleware = ContentSecurityPolicyMiddleware(lambda request: HttpResponse("preview"))
    request = RequestFactory().get(page.url)
    request.is_preview, request.in_preview_panel = True, True  # as Wagtail's dummy request
    policy = policy_of(middleware(request))
    assert policy["frame-ancestors"] == "'self'"
    assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'"


def test_the_preview_panels_not_available_page_may_be_framed_by_the_admin(
    admin_client,
    make_appeal,  # noqa: F811
):
    """Before the editor's form data is stored, Wagtail answers the panel's iframe with its
    "preview not available" page, an admin page: framed by the panel, not refused (a loaded
    machine showed the refusal in the editor's console). Without ``in_preview_panel`` the
    same URL stays unframeable."""
    page = make_appeal()
    url = f"/admin/pages/{page.pk}/edit/preview/"
    in_panel = admin_client.get(url, {"in_preview_panel": "true", "mode": ""})
    assert in_panel.status_code == 200
    assert b"preview" in in_panel.content.lower()
    assert policy_of(in_panel)["frame-ancestors"] == "'self'"
    assert policy_of(in_panel)["script-src"] == "'self'"
    assert policy_of(admin_client.get(url, {"mode": ""}))["frame-ancestors"] == "'none'"


def test_middleware_leaves_a_spoofed_public_request_alone(settings):
    from django.http import HttpResponse

    from mostwanted.middleware import ContentSecurityPolicyMiddleware

    middleware = ContentSecurityPolicyMiddleware(lambda request: HttpResponse("ok"))
    request = RequestFactory().get("/avis/x/", HTTP_X_IS_PREVIEW="1", QUERY_STRING="is_preview=1")
    response = middleware(request)
    assert policy_of(response)["frame-ancestors"] == "'none'"
