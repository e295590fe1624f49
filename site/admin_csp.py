"""Wagtail's chooser widgets under the admin's strict CSP (docs/admin-csp.md).

``wagtail.admin.widgets.BaseChooser.render`` (image, snippet, document, page and task
choosers) appends ``<script>new ImageChooser("id", {...});</script>`` to the widget. The CSP
(no 'unsafe-inline') blocks it, so the desk and photo choosers could not be opened. ``install``
replaces that one method: the widget's HTML is unchanged and the call is described by an inert
``<template data-mw-init=...>`` carrier that ``static/js/admin-init.js`` runs.
"""

import json

from django.utils.html import format_html
from django.utils.safestring import mark_safe
from wagtail.admin.widgets import BaseChooser
from wagtail.admin.widgets.workflows import AdminTaskChooser


def init_carrier(name: str, element_id: str | None = None, options=None) -> str:
    """The inert element that asks admin-init.js for ``name(element_id, options)``."""
    attrs = {"data-mw-init": name}
    if element_id is not None:
        attrs["data-mw-id"] = element_id
    if options is not None:
        attrs["data-mw-options"] = json.dumps(options)
    parts = "".join(format_html(' {}="{}"', key, value) for key, value in attrs.items())
    return mark_safe(f"<template{parts}></template>")  # noqa: S308 - every value escaped above


def chooser_init(widget, id_, name, value_data):
    """``(initialiser, element id, options)`` for a chooser, or None when a subclass builds its
    own JavaScript in ``render_js_init`` that this module does not know."""
    render_js_init = type(widget).render_js_init
    if render_js_init is BaseChooser.render_js_init:
        return widget.js_constructor, id_, widget.get_js_init_options(id_, name, value_data)
    if render_js_init is AdminTaskChooser.render_js_init:
        return "createTaskChooser", id_, None
    return None


def render_chooser(self, name, value, attrs=None, renderer=None):
    """``BaseChooser.render`` without the inline script (same checks, same HTML)."""
    try:
        id_ = attrs["id"]
    except (KeyError, TypeError) as e:
        raise TypeError("BaseChooser cannot be rendered without an 'id' attribute") from e
    value_data = self.get_value_data(value)
    init = chooser_init(self, id_, name, value_data)
    if init is None:  # unknown initialiser: upstream behaviour (the browser tests catch it)
        return _UPSTREAM_RENDER(self, name, value, attrs, renderer)
    widget_html = self.render_html(name, value_data, attrs)
    return mark_safe(widget_html + init_carrier(*init))  # noqa: S308 - both parts escaped


_UPSTREAM_RENDER = None


def install() -> None:
    """Replace ``BaseChooser.render`` once (called from ``MostWantedConfig.ready``)."""
    global _UPSTREAM_RENDER

    if BaseChooser.render is render_chooser:
        return
    _UPSTREAM_RENDER = BaseChooser.render
    BaseChooser.render = render_chooser
