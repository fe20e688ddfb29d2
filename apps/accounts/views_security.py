"""Account security pages: the 2FA login step, 2FA set-up, sessions and login history,
account deletion."""

from __future__ import annotations

import time

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.accounts import login_history, twofactor
from apps.accounts.models import User
from apps.accounts.services import sessions_end_all, user_delete_account
from apps.common.errors import DomainError
from apps.common.ratelimit import hit

BACKEND = "apps.accounts.backends.UsernameOrEmailBackend"


@require_http_methods(["GET", "POST"])
def login_2fa(request: HttpRequest) -> HttpResponse:
    """The second step of a web login for accounts with 2FA on."""
    pending = request.session.get(twofactor.PENDING_2FA)
    if not pending or time.time() - pending["at"] > twofactor.PENDING_SECONDS:
        request.session.pop(twofactor.PENDING_2FA, None)
        messages.error(request, _("Войдите ещё раз"))
        return redirect("accounts:login")
    user = User.objects.filter(pk=pending["uid"], is_active=True).first()
    if user is None:
        return redirect("accounts:login")
    error, status = None, 200
    if request.method == "POST":
        wait = hit("web_login", f"2fa:{user.pk}")
        try:
            if wait is not None:
                raise DomainError(_("Слишком много попыток, попробуйте позже"))
            twofactor.totp_check_login(user=user, code=request.POST.get("code", ""))
        except DomainError as exc:
            login_history.login_event_record(
                user=user, request=request, method="web", success=False
            )
            error, status = exc.message, 400
        else:
            request.session.pop(twofactor.PENDING_2FA, None)
            login(request, user, backend=BACKEND)
            request.session[twofactor.SESSION_FLAG] = True
            return redirect(pending.get("next") or "/")
    return render(request, "accounts/login_2fa.html", {"error": error}, status=status)


def _security_page(request, *, setup=None, recovery_codes=None, status=200) -> HttpResponse:
    user = request.user
    return render(
        request,
        "accounts/security.html",
        {
            "totp_on": twofactor.totp_enabled(user),
            "setup": setup,
            "recovery_codes": recovery_codes,
            "sessions": login_history.sessions_for(
                user=user, current_key=request.session.session_key
            ),
            "history": login_history.login_history(user=user),
            "staff_needs_2fa": user.is_staff and not twofactor.session_passed_2fa(request),
        },
        status=status,
    )


@login_required
@require_GET
def security(request: HttpRequest) -> HttpResponse:
    return _security_page(request)


@login_required
@require_POST
def totp_begin(request: HttpRequest) -> HttpResponse:
    try:
        secret, uri = twofactor.totp_begin(user=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("accounts:security")
    return _security_page(request, setup={"secret": secret, "uri": uri})


@login_required
@require_POST
def totp_confirm(request: HttpRequest) -> HttpResponse:
    try:
        codes = twofactor.totp_confirm(user=request.user, code=request.POST.get("code", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("accounts:security")
    request.session[twofactor.SESSION_FLAG] = True
    messages.success(request, _("Двухфакторная аутентификация включена"))
    # The codes are shown on this one response only: nothing stores them in clear.
    return _security_page(request, recovery_codes=codes)


@login_required
@require_POST
def totp_disable(request: HttpRequest) -> HttpResponse:
    try:
        twofactor.totp_disable(user=request.user, code=request.POST.get("code", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        request.session.pop(twofactor.SESSION_FLAG, None)
        messages.success(request, _("Двухфакторная аутентификация выключена"))
    return redirect("accounts:security")


@login_required
@require_POST
def session_end(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    try:
        login_history.session_end(user=request.user, kind=kind, pk=pk)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Сеанс завершён"))
    return redirect("accounts:security")


@login_required
@require_POST
def sessions_end_others(request: HttpRequest) -> HttpResponse:
    count = sessions_end_all(user=request.user, keep_session_key=request.session.session_key)
    messages.success(request, _("Завершено сеансов: %(n)s") % {"n": count})
    return redirect("accounts:security")


@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request: HttpRequest) -> HttpResponse:
    """Delete (anonymise) the account after the password is typed again."""
    error, status = None, 200
    if request.method == "POST":
        if request.user.check_password(request.POST.get("password", "")):
            user = request.user
            logout(request)
            user_delete_account(user=user)
            messages.info(request, _("Аккаунт удалён. Нам жаль, что вы уходите."))
            return redirect("/")
        error, status = _("Неверный пароль"), 400
    return render(request, "accounts/account_delete.html", {"error": error}, status=status)
