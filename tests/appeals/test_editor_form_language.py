"""The page editor offers the offences of the page's own language only."""

import re

from django.contrib.auth import get_user_model

from tests.conftest import login_verified


def test_the_add_form_lists_only_offences_of_the_page_language(client, site_tree, offences):
    admin = get_user_model().objects.create_superuser("root", "root@example.org", "pw-0123456789")
    login_verified(client, admin)  # superusers pass the second factor first (issue 14)
    for code in ("fr", "nl"):
        index = site_tree[code][1]

        html = client.get(f"/admin/pages/add/appeals/appealpage/{index.pk}/").content.decode()

        offered = set(re.findall(r'name="offences" value="(\d+)"', html))
        expected = {str(o.pk) for o in offences[code].values()}
        assert offered == expected, code
