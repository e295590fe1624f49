"""``{% appeal_picture %}``: Wagtail's ``{% picture %}`` with one srcset candidate per width.

Wagtail never enlarges a photo, so a photo narrower than the widest rendition asked for
gives several renditions of the same width ("240w, 240w"): browsers then pick at random and
the HTML is invalid. Same arguments as ``{% picture %}``.
"""

from django import template
from django.template.base import Token
from wagtail.images.models import Picture
from wagtail.images.shortcuts import get_renditions_or_not_found
from wagtail.images.templatetags.wagtailimages_tags import PictureNode, image

register = template.Library()


class DistinctWidthPicture(Picture):
    @classmethod
    def get_width_srcset(cls, renditions_list):
        if len(renditions_list) == 1:
            return renditions_list[0].url
        by_width = {}
        for rendition in renditions_list:
            by_width.setdefault(rendition.width, rendition)
        # Width descriptors stay even when one candidate is left: ``sizes`` requires them.
        return ", ".join(f"{r.url} {r.width}w" for r in by_width.values())


class DistinctWidthPictureNode(PictureNode):
    def render(self, context):
        photo = self.validate_image(context)
        if not photo:
            return ""
        renditions = get_renditions_or_not_found(photo, self.get_filters())
        attrs = {key: value.resolve(context) for key, value in self.attrs.items()}
        return DistinctWidthPicture(renditions, attrs).__html__()


@register.tag("appeal_picture")
def appeal_picture(parser, token):
    # Wagtail's parser picks its node by tag name: parse as "picture", then swap the node.
    as_picture = Token(token.token_type, "picture" + token.contents[len("appeal_picture") :])
    node = image(parser, as_picture)
    if node.output_var_name:
        raise template.TemplateSyntaxError("appeal_picture does not support 'as'")
    return DistinctWidthPictureNode(node.image_expr, node.filter_specs, attrs=node.attrs)
