"""Email verification pages: send the link, open the link."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from apps.accounts.verification import email_verification_send, email_verify
from apps.common.errors import DomainError


@login_required
@require_POST
def verify_email_send(request: HttpRequest) -> HttpResponse:
    try:
        email_verification_send(user=request.user, base_url=request.build_absolute_uri("/"))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("Письмо со ссылкой отправлено на %(email)s") % {"email": request.user.email}
        )
    return redirect("accounts:profile", username=request.user.username)


@require_GET
def verify_email(request: HttpRequest, token: str) -> HttpResponse:
    try:
        user = email_verify(token=token)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("/")
    messages.success(request, _("Email подтверждён"))
    return redirect("accounts:profile", username=user.username)
