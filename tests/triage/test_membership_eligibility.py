"""Who may join a desk, and what revoking a non-member does (nothing)."""

from django.urls import reverse

from tips.models import DeskKey, DeskMembership

from .conftest import verified_login


def test_an_editor_is_not_offered_and_cannot_be_made_a_member(client, world):
    verified_login(client, world.supervisor)
    page = client.get(reverse("tips_admin:members"))
    assert world.editor not in list(page.context["candidates"])
    assert world.inv_b in list(page.context["candidates"])

    response = client.post(
        reverse("tips_admin:grant"), {"desk": world.desk_a.pk, "user": world.editor.pk}
    )

    assert response.status_code == 404
    assert not DeskMembership.objects.filter(user=world.editor).exists()


def test_revoking_someone_who_is_not_a_member_is_a_404_and_never_rotates(client, world):
    verified_login(client, world.supervisor)
    versions = list(DeskKey.objects.filter(desk=world.desk_a).values_list("pk", flat=True))

    response = client.post(
        reverse("tips_admin:revoke"), {"desk": world.desk_a.pk, "user": world.inv_b.pk}
    )

    assert response.status_code == 404
    assert list(DeskKey.objects.filter(desk=world.desk_a).values_list("pk", flat=True)) == versions
