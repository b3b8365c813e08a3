"""Fixed-window rate limits in Django's cache (Redis in production).

A window is `seconds` long and starts at a multiple of it; each (rule, identity, window)
has a counter created with `add` (atomic: only the first request creates it) and raised
with `incr` (atomic in Redis and in the local-memory cache). The limits are in
settings.POLKU_RATE_LIMITS as rule -> (requests, seconds).
"""

import hashlib
import logging
import time

from django.conf import settings
from django.core.cache import cache

from core.cache import CacheUnavailable

logger = logging.getLogger(__name__)

LOGIN_IP = "login-ip"
LOGIN_USERNAME = "login-username"
SEARCH = "search"
ACTIVATION = "activation-code"
IDENTITY_LOOKUP = "identity-lookup"
ACCESSIBILITY_FEEDBACK = "accessibility-feedback"


def _key(rule: str, identity: str, window: int) -> str:
    # Hashed: usernames and addresses do not belong in cache key listings.
    digest = hashlib.sha256(identity.encode()).hexdigest()[:32]
    return f"polku:rl:{rule}:{digest}:{window}"


def rate_limit_hit(*, rule: str, identity: str) -> bool:
    """Count one request of `identity` under `rule`; False once the window's limit is passed.

    Without the cache the limit fails open, with a warning: a login must keep working
    while Redis is down, and the username lockout (django-axes) is in the database anyway.
    """
    limit, seconds = settings.POLKU_RATE_LIMITS[rule]
    window = int(time.time() // seconds)
    key = _key(rule, identity, window)
    # The counter outlives its window a little, so that it never expires mid-window.
    cache.add(key, 0, timeout=seconds + 1)
    try:
        count = cache.incr(key)
    except CacheUnavailable:
        logger.warning("rate limit %s not counted: the cache is unavailable", rule)
        return True
    except ValueError:
        # Evicted between add and incr: start over with this request.
        cache.set(key, 1, timeout=seconds + 1)
        count = 1
    return count <= limit
