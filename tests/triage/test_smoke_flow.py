"""An investigator's path through the queue: unlock, list with preview, read, act, lock."""

import pytest
from django.urls import reverse

from .conftest import submit_tip, unlock, verified_login


@pytest.mark.django_db
def test_investigator_reads_acts_and_locks(client, world, tip_a):
    verified_login(client, world.inv_a)
    index = reverse("tips_admin:index")
    response = client.get(index)
    assert response.status_code == 200
    assert tip_a.reference in response.content.decode()
    assert "CANARY-TIP-A" not in response.content.decode()  # locked: metadata only

    response = unlock(client)
    assert response.status_code == 302, response.content.decode()[:2000]
    response = client.get(index)
    assert "CANARY-TIP-A" in response.content.decode()  # preview when unlocked

    detail = reverse("tips_admin:detail", args=[tip_a.pk])
    page = client.get(detail).content.decode()
    assert "CANARY-TIP-A" in page and "Gare du Midi" in page

    image = client.get(reverse("tips_admin:attachment", args=[tip_a.pk, 0]))
    assert image.status_code == 200
    assert image["Content-Type"] == "image/png"
    assert image["Cache-Control"].startswith("no-store")
    assert image["X-Content-Type-Options"] == "nosniff"
    assert b"".join(image.streaming_content).startswith(b"\x89PNG")

    client.post(reverse("tips_admin:vault_lock"))
    page = client.get(detail).content.decode()
    assert "CANARY-TIP-A" not in page
    refused = client.get(reverse("tips_admin:attachment", args=[tip_a.pk, 0]))
    assert refused.status_code in (302, 403)  # Wagtail turns PermissionDenied into a redirect
    assert refused.get("Content-Type", "").startswith("text/html")


@pytest.mark.django_db
def test_other_desk_cannot_see(client, world, tip_a):
    submit_tip(world.desk_b)
    verified_login(client, world.inv_b)
    unlock(client)
    assert client.get(reverse("tips_admin:detail", args=[tip_a.pk])).status_code == 404
    assert tip_a.reference not in client.get(reverse("tips_admin:index")).content.decode()
