from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path

from apps.common.api_docs import api_docs_page, install_russian_docs
from apps.common.media import serve_media
from config.api import api

install_russian_docs(api)  # uibarter (issue 20): Russian summaries in the OpenAPI schema

urlpatterns = [
    path("admin/", admin.site.urls),
    # Before the API: the SSE stream is a plain async Django view under /api/.
    path("", include("apps.notifications.urls")),
    path("", include("apps.accounts.urls")),
    path("", include("apps.market.urls")),
    path("", include("apps.chat.urls")),
    path("", include("apps.exchange.urls")),
    path("", include("apps.moderation.urls")),  # trust: disputes, reports, moderation
    # uibarter (issue 20): readable API docs; ninja's Swagger UI moved to /docs/swagger
    path("docs", api_docs_page, {"api": api}, name="api_docs"),
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
