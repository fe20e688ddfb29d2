"""Deploy checks of the security settings (`manage.py check --deploy`)."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def proxy_count_check(app_configs, **kwargs) -> list[Warning]:
    """Behind a proxy with TRUSTED_PROXY_COUNT=0, every client has the proxy's address, so the
    per-address limits would throttle all users together."""
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None) and settings.TRUSTED_PROXY_COUNT == 0:
        return [
            Warning(
                "BEHIND_TLS_PROXY is set but TRUSTED_PROXY_COUNT is 0: every client shares the "
                "proxy's address in rate limits.",
                hint="Set TRUSTED_PROXY_COUNT to the number of proxies that append to "
                "X-Forwarded-For (docs/security.md).",
                id="accounts.W001",
            )
        ]
    return []
