from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path

from apps.common.media import serve_media
from config.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    # Before the API: the SSE stream is a plain async Django view under /api/.
    path("", include("apps.notifications.urls")),
    path("", include("apps.accounts.urls")),
    path("", include("apps.market.urls")),
    path("", include("apps.chat.urls")),
    path("", include("apps.exchange.urls")),
    path("", include("apps.moderation.urls")),  # trust: disputes, reports, moderation
    path("", api.urls),
]

if not settings.USE_S3:
    # Uploaded images are served by the app itself (whitenoise serves only static files).
    urlpatterns += [
        # perf (#16): random, never-overwritten names -> one-year immutable cache headers.
        re_path(r"^media/(?P<path>.*)$", serve_media),
    ]

handler400 = "apps.common.views.bad_request"
handler404 = "apps.common.views.not_found"
handler500 = "apps.common.views.server_error"
