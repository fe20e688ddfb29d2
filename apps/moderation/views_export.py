"""The personal data export (JSON download)."""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from apps.moderation.data_export import user_data_export


@login_required
@require_GET
def data_export(request: HttpRequest) -> HttpResponse:
    body = json.dumps(
        user_data_export(user=request.user), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2
    )
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="my-data-{request.user.pk}.json"'
    response["Cache-Control"] = "no-store"
    return response
