"""Content-Security-Policy on every response (Django 5.2 has none built in).

The policy (settings.CONTENT_SECURITY_POLICY) allows only the site's own scripts and styles: no
inline <script>, no style="" attributes, no event-handler attributes, so injected markup cannot
run. A view that needs another policy sets the header itself; it is left alone.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.policy = settings.CONTENT_SECURITY_POLICY

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = self.policy
        return response
