"""Translatable snippets in the language of the page that shows them, in one query."""

from collections.abc import Callable, Iterable


def localize(
    objs: Iterable, locale_id: int, known: Callable[[int], Iterable] | None = None
) -> list:
    """Return ``objs`` (translatable snippets) replaced by their translation in ``locale_id``.

    Objects without a translation are kept as they are. At most one query for the whole list;
    none when ``known(locale_id)`` gives every snippet of that language (a cached lookup),
    called only if some object is in another language.
    """
    objs = list(objs)
    if not objs or all(o.locale_id == locale_id for o in objs):
        return objs
    if known is not None:
        found = known(locale_id)
    else:
        found = type(objs[0]).objects.filter(
            translation_key__in={o.translation_key for o in objs}, locale_id=locale_id
        )
    by_key = {o.translation_key: o for o in found}
    return [by_key.get(o.translation_key, o) for o in objs]
