from __future__ import annotations

from django.conf import settings


class Skip(Exception):
    """Nothing to send any more (unlinked, unverified, unsubscribed): not an error."""


class RetryLater(Exception):
    """Try again after `seconds` (rate limited); not counted as a failed attempt."""

    def __init__(self, seconds: float, message: str = "") -> None:
        super().__init__(message or f"retry after {seconds}s")
        self.seconds = seconds


def absolute(url: str) -> str:
    if url.startswith("/") and not url.startswith("//"):
        return settings.NOTIFY_SITE_URL + url
    return url or settings.NOTIFY_SITE_URL + "/"
