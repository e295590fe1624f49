"""Wagtail's generic user and group screens cannot hand out the tip roles (issue 14)."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse

from .conftest import verified_login

pytestmark = pytest.mark.django_db


def _edit_data(user, groups):
    return {
        "username": user.username,
        "email": user.email or f"{user.username}@example.org",
        "first_name": "A",
        "last_name": "B",
        "password1": "",
        "password2": "",
        "is_active": "on",
        "is_superuser": "on" if user.is_superuser else "",
        "groups": [g.pk for g in groups],
    }


def test_superuser_cannot_make_themself_supervisor_in_the_user_editor(client, world):
    root = get_user_model().objects.create_superuser("root", "root@example.org", "x" * 16)
    verified_login(client, root)
    supervisors = Group.objects.get(name="Supervisors")
    response = client.post(
        reverse("wagtailusers_users:edit", args=[root.pk]), _edit_data(root, [supervisors])
    )
    assert response.status_code in (302, 403)
    assert not root.groups.filter(name="Supervisors").exists()

    # Nor put someone else in Investigators, nor take a supervisor out.
    editor = world.editor
    client.post(
        reverse("wagtailusers_users:edit", args=[editor.pk]),
        _edit_data(editor, [Group.objects.get(name="Investigators")]),
    )
    assert not editor.groups.filter(name="Investigators").exists()
    client.post(
        reverse("wagtailusers_users:edit", args=[world.supervisor.pk]),
        _edit_data(world.supervisor, []),
    )
    assert world.supervisor.groups.filter(name="Supervisors").exists()


def test_editor_groups_stay_editable_there(client, world):
    root = get_user_model().objects.create_superuser("root", "root@example.org", "x" * 16)
    verified_login(client, root)
    editors = Group.objects.get(name="Editors")
    other = get_user_model().objects.create_user("writer", "w@example.org", "y" * 16)
    client.post(reverse("wagtailusers_users:edit", args=[other.pk]), _edit_data(other, [editors]))
    assert other.groups.filter(name="Editors").exists()


def test_the_operator_command_gives_the_role(world):
    call_command("set_tip_role", world.editor.username, "investigator", stdout=io.StringIO())
    assert world.editor.groups.filter(name="Investigators").exists()
