"""An atomic fixed-window rate limiter over Django's cache (Redis or in-process).

`cache.add` + `cache.incr` are atomic in both backends, so parallel requests cannot slip past
the limit the way a read-modify-write history can.
"""

from __future__ import annotations

import hashlib
import ipaddress
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
    """The client's address: REMOTE_ADDR, or with TRUSTED_PROXY_COUNT = n > 0 proxies in front,
    the address the outermost trusted proxy saw (the n-th X-Forwarded-For entry from the right).

    Entries left of that one are written by the client and are never trusted, so a rotating
    X-Forwarded-For changes nothing. The app server must not rewrite REMOTE_ADDR from proxy
    headers itself (the Makefile runs uvicorn with --no-proxy-headers).
    """
    remote = request.META.get("REMOTE_ADDR") or ""
    count = settings.TRUSTED_PROXY_COUNT
    if count > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if forwarded:
            candidate = forwarded[-count] if len(forwarded) >= count else forwarded[0]
            try:
                return str(ipaddress.ip_address(candidate))
            except ValueError:
                pass
    return remote or "unknown"


def address_key(request: HttpRequest) -> str:
    """The rate-limit identity of the client address: an IPv6 client counts per /64 (what one
    subscriber usually gets), an IPv4 client per address."""
    ip = client_ip(request)
    try:
        addr = ipaddress.ip_address(ip)
    except ValueError:
        return ip
    if addr.version == 6:
        if addr.ipv4_mapped is not None:
            return str(addr.ipv4_mapped)
        return str(ipaddress.ip_network(f"{addr}/64", strict=False))
    return str(addr)


def ident_hash(value: str) -> str:
    """A short, cache-key-safe identity for user-supplied strings (emails, usernames)."""
    return hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]


def _window(scope: str) -> tuple[int, int, float, int]:
    limit, period = parse_rate(settings.RATE_LIMITS[scope])
    now = time.time()
    return limit, period, now, int(now // period)


def peek(scope: str, ident: str) -> int | None:
    """Like `hit` without counting: the seconds to wait when the limit is already used up."""
    if not settings.RATE_LIMITS_ENABLED:
        return None
    limit, period, now, window = _window(scope)
    try:
        used = cache.get(f"rl:{scope}:{ident}:{window}") or 0
    except OUTAGE_ERRORS:  # Redis down: fail open (secrobust)
        return None
    if used >= limit:
        return max(1, math.ceil((window + 1) * period - now))
    return None


def hit(scope: str, ident: str) -> int | None:
    """Count one hit; return None when allowed, or the seconds to wait when over the limit."""
    if not settings.RATE_LIMITS_ENABLED:
        return None
    limit, period, now, window = _window(scope)
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
    """A ninja throttle keyed by client address for one named scope of settings.RATE_LIMITS."""

    def __init__(self, scope: str) -> None:
        self.scope = scope
        self._wait: int | None = None

    def allow_request(self, request: HttpRequest) -> bool:
        self._wait = hit(self.scope, address_key(request))
        return self._wait is None

    def wait(self) -> float | None:
        return self._wait
