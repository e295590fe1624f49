"""Shared helper of the key commands: find a desk by id or name."""

from django.core.management.base import CommandError

from appeals.models import Desk


def find_desk(value: str):
    qs = Desk.objects.filter(pk=int(value)) if value.isdigit() else Desk.objects.filter(name=value)
    desks = {d.canonical().pk: d.canonical() for d in qs}
    if not desks:
        raise CommandError(f"No desk matches {value!r}.")
    if len(desks) > 1:
        raise CommandError(f"Several desks match {value!r}: use the id.")
    return next(iter(desks.values()))
