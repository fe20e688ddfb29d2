"""Compressed responses (perf, #16): gzip for HTML and JSON, never for event streams.

Django's GZipMiddleware (with its BREACH mitigation: random bytes in the gzip header) for
every compressible response the client accepts gzip for, except `text/event-stream` (live
events must reach the browser as they happen). Static files are compressed ahead of time by
whitenoise (gzip and brotli), see docs/performance.md.
"""

from __future__ import annotations

from django.middleware.gzip import GZipMiddleware


class CompressionMiddleware(GZipMiddleware):
    def process_response(self, request, response):
        if response.get("Content-Type", "").startswith("text/event-stream"):
            return response
        return super().process_response(request, response)
