"""``{% incident_videos tip document as videos %}``: the videos of an opened tip
(tips.admin.media), for the detail page's media section."""

from django import template

from tips.admin.media import media_items

register = template.Library()


@register.simple_tag
def incident_videos(tip, document):
    return media_items(tip, document) if document else []
