"""The tip form names and links the appeal in the language of the page, even when its URL
holds the id of a translation (after a language switch)."""


def test_tip_form_links_the_appeal_in_the_active_language(client, make_appeal):
    french = make_appeal(lang="fr", full_name="Paul Lenoir")
    english = make_appeal(lang="en", full_name="Paul Lenoir", translation_of=french)
    body = client.get(f"/en/tip/appeal/{french.pk}/").content.decode()
    assert '<html lang="en">' in body
    assert f'href="{english.url}"' in body
    assert f'href="{french.url}"' not in body
