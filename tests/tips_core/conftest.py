"""Fixtures for the tip-line core: a desk, a recovery key, investigators with vaults."""

import pytest
from wagtail.models import Locale

PASS = "a long vault passphrase for tests"


@pytest.fixture
def make_desk(db):
    from appeals.models import Desk

    def make(name="Fugitive search"):
        return Desk.objects.create(name=name, locale=Locale.get_default())

    return make


@pytest.fixture
def desk(make_desk):
    return make_desk()


@pytest.fixture
def recovery(db):
    from tips.keys import create_recovery_key

    rk, private = create_recovery_key()
    return rk, private


@pytest.fixture
def make_investigator(db):
    from django.contrib.auth import get_user_model

    from tips.keys import setup_vault
    from tips.models import DeskMembership

    def make(username, *, desks=(), vault=True):
        user = get_user_model().objects.create_user(
            username=username, email=f"{username}@police.example", password="x" * 16
        )
        if vault:
            setup_vault(user, PASS)
        for d in desks:
            DeskMembership.objects.create(desk=d, user=user)
        return user

    return make


@pytest.fixture
def ready_desk(desk, recovery, make_investigator):
    """A desk with one member (alice) and an active key wrapped to her and to recovery;
    it is also the default desk (general tips)."""
    from tips.keys import create_desk_key
    from tips.models import TipLineSettings

    alice = make_investigator("alice", desks=[desk])
    dk = create_desk_key(desk)
    TipLineSettings.objects.update_or_create(
        pk=TipLineSettings.load().pk, defaults={"default_desk": desk}
    )
    return {"desk": desk, "desk_key": dk, "alice": alice, "recovery": recovery}
