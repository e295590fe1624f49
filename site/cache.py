"""The shared cache, soft by default and strict where a failure must be seen.

With Redis down, Wagtail itself (``Site.get_site_root_paths``), the page cache and the lookups
read the default cache on every public request: an outage must cost a database query, never
a 500. ``FailSoftRedisCache`` turns connection errors into misses and no-ops (logged by
exception class only).

The vault, follow-up sessions, the tip form's replay guard and the rate limits must *know*
the cache failed (to say "vault unavailable", or fall back to the in-process limiter), so
they use ``strict_default_cache``: the ``security`` alias (its own Redis database with
``noeviction``, so a flood of page-cache entries cannot evict a session or a limit), without
the soft layer.
"""

import logging

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.utils.functional import cached_property

logger = logging.getLogger(__name__)

_SOFT_RESULTS = {
    "get": None,
    "get_many": {},
    "set": None,
    "set_many": [],
    "add": False,
    "touch": False,
    "delete": False,
    "delete_many": None,
    "has_key": False,
    "clear": None,
}


class FailSoftRedisCache(RedisCache):
    """Redis cache whose reads miss and writes do nothing while Redis is unreachable."""

    @cached_property
    def strict(self) -> RedisCache:
        """The same Redis, raising on failure."""
        return RedisCache(self._init_server, self._init_params)

    def __init__(self, server, params):
        super().__init__(server, params)
        self._init_server = server
        self._init_params = params


def _soft(name, default):
    def method(self, *args, **kwargs):
        try:
            return getattr(super(FailSoftRedisCache, self), name)(*args, **kwargs)
        except Exception as exc:  # any failure of the shared cache: behave like a miss
            logger.warning("shared cache %s failed (%s)", name, type(exc).__name__)
            return default() if isinstance(default, type) else default

    method.__name__ = name
    return method


def _soft_get(self, key, default=None, version=None):
    try:
        return RedisCache.get(self, key, default, version)
    except Exception as exc:  # a miss: the caller computes the value itself
        logger.warning("shared cache get failed (%s)", type(exc).__name__)
        return default


for _name, _default in _SOFT_RESULTS.items():
    _factory = type(_default) if isinstance(_default, dict | list) else _default
    setattr(FailSoftRedisCache, _name, _soft(_name, _factory))
FailSoftRedisCache.get = _soft_get


def strict_cache(alias: str = "default"):
    """The cache ``alias`` without any soft layer: failures raise."""
    backend = caches[alias]
    return getattr(backend, "strict", backend)


def security_alias() -> str:
    """The cache alias of the security state: ``"security"`` (a ``noeviction`` Redis database
    apart from the page cache) when configured, else ``"default"``."""
    return "security" if "security" in settings.CACHES else "default"


class _StrictDefaultCache:
    """Module-level stand-in for ``django.core.cache.cache`` that is always strict, lives in
    the security store and follows settings overrides (it resolves the backend at each call)."""

    def __getattr__(self, name):
        return getattr(strict_cache(security_alias()), name)


#: The security state's cache (vault and follow-up sessions, rate limits, used-token guard).
#: Import as ``from mostwanted.cache import strict_default_cache as cache``.
strict_default_cache = _StrictDefaultCache()
