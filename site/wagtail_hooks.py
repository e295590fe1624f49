"""Admin wiring of the project package: the script that replaces Wagtail's inline scripts."""

from django.templatetags.static import static
from django.utils.html import format_html
from wagtail import hooks


@hooks.register("insert_global_admin_js")
def admin_init_js():
    # Loaded before the page body: its observer initialises the widgets as they are parsed.
    return format_html('<script src="{}"></script>', static("js/admin-init.js"))
