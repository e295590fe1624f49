"""``{% incident_videos tip media as videos %}``: the videos of an opened tip
(``tips.admin.tip_media``), for the detail page's "Videos" section."""

from django import template

from tips.admin.media import media_items

register = template.Library()


@register.simple_tag
def incident_videos(tip, media):
    return media_items(tip, media) if media else []
