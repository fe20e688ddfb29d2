"""An atomic fixed-window rate limiter over Django's cache (Redis or in-process).

`cache.add` + `cache.incr` are atomic in both backends, so parallel requests cannot slip past
the limit the way a read-modify-write history can.
"""

from __future__ import annotations

import logging
import math
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from ninja.throttling import BaseThrottle

from apps.common.outage import OUTAGE_ERRORS

logger = logging.getLogger(__name__)

_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """'5/5m' -> (5, 300); '10/h' -> (10, 3600)."""
    count, period = rate.split("/", 1)
    unit = period[-1]
    multiplier = int(period[:-1]) if period[:-1] else 1
    return int(count), multiplier * _PERIODS[unit]


def client_ip(request: HttpRequest) -> str:
    # Behind a trusted proxy set NUM_PROXIES-style handling at the proxy; here REMOTE_ADDR.
    return request.META.get("REMOTE_ADDR") or "unknown"


def hit(scope: str, ident: str) -> int | None:
    """Count one hit; return None when allowed, or the seconds to wait when over the limit."""
    if not settings.RATE_LIMITS_ENABLED:
        return None
    limit, period = parse_rate(settings.RATE_LIMITS[scope])
    now = time.time()
    window = int(now // period)
    key = f"rl:{scope}:{ident}:{window}"
    try:
        cache.add(key, 0, timeout=period + 1)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr: start again
            cache.add(key, 1, timeout=period + 1)
            count = 1
    except OUTAGE_ERRORS:  # Redis down: fail open rather than lock everyone out (secrobust)
        logger.warning("rate limit %s not counted: cache unavailable", scope)
        return None
    if count > limit:
        return max(1, math.ceil((window + 1) * period - now))
    return None


class IpRateThrottle(BaseThrottle):
    """A ninja throttle keyed by client IP for one named scope of settings.RATE_LIMITS."""

    def __init__(self, scope: str) -> None:
        self.scope = scope
        self._wait: int | None = None

    def allow_request(self, request: HttpRequest) -> bool:
        self._wait = hit(self.scope, client_ip(request))
        return self._wait is None

    def wait(self) -> float | None:
        return self._wait
