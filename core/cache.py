"""A Redis cache whose outage is a slower page, never an error page.

Polku's cache holds what can be lost: the rate-limit counters and a copy of the data
categories. Django's RedisCache raises when Redis cannot be reached, which turned a login
or a search into a 500 while Redis was down (issue 12). This backend answers a read as
a miss and lets a write go, with a logged warning; `incr` raises CacheUnavailable so that
the rate limits decide for themselves (they let the request through: ADR 16).
"""

import logging
from typing import Any

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger("polku.cache")


class CacheUnavailable(Exception):
    """The cache could not be reached."""


def _warn(operation: str, error: Exception) -> None:
    logger.warning("cache %s failed, carrying on without it: %s", operation, error)


class ResilientRedisCache(RedisCache):
    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        try:
            return super().get(key, default, version)
        except RedisError as error:
            _warn("get", error)
            return default

    def get_many(self, keys: Any, version: int | None = None) -> dict[Any, Any]:
        try:
            return super().get_many(keys, version)
        except RedisError as error:
            _warn("get_many", error)
            return {}

    def add(self, key: Any, value: Any, timeout: Any = None, version: int | None = None) -> bool:
        try:
            return super().add(key, value, timeout, version)
        except RedisError as error:
            _warn("add", error)
            return False

    def set(self, key: Any, value: Any, timeout: Any = None, version: int | None = None) -> None:
        try:
            super().set(key, value, timeout, version)
        except RedisError as error:
            _warn("set", error)

    def delete(self, key: Any, version: int | None = None) -> bool:
        try:
            return super().delete(key, version)
        except RedisError as error:
            _warn("delete", error)
            return False

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        try:
            return super().incr(key, delta, version)
        except RedisError as error:
            _warn("incr", error)
            raise CacheUnavailable from error
