"""Uploaded media served by the app (no S3): long, immutable cache headers.

Uploads are stored under random names and never overwritten (a new image is a new name), so a
browser or proxy may keep them for a year without asking again.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.static import serve

MEDIA_CACHE_CONTROL = "public, max-age=31536000, immutable"


def serve_media(request: HttpRequest, path: str) -> HttpResponse:
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    if response.status_code == 200:
        response["Cache-Control"] = MEDIA_CACHE_CONTROL
    return response
