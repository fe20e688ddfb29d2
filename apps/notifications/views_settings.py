"""Notification preferences, Telegram linking and one-click unsubscribe (web pages)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from apps.notifications import preferences, telegram_link
from apps.notifications.channels.email import DIGEST, unsubscribe_read
from apps.notifications.forms import PreferencesForm
from apps.notifications.kinds import CHANNELS, KINDS


def _initial(view: preferences.PreferencesView) -> dict:
    initial = {
        "time_zone": view.time_zone,
        "quiet_start": view.quiet_start,
        "quiet_end": view.quiet_end,
        "email_digest": view.email_digest,
    }
    for kind, by_channel in view.channels.items():
        for channel, on in by_channel.items():
            initial[f"{kind}__{channel}"] = on
    return initial


@login_required
@require_http_methods(["GET", "POST"])
def preferences_page(request: HttpRequest) -> HttpResponse:
    view = preferences.preferences_get(user=request.user)
    form = PreferencesForm(
        request.POST if request.method == "POST" else None,
        initial=_initial(view),
        current_zone=view.time_zone,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        preferences.preferences_update(
            user=request.user,
            channels=form.channels(),
            time_zone=data["time_zone"],
            quiet_start=data["quiet_start"],
            quiet_end=data["quiet_end"],
            set_quiet=True,
            email_digest=data["email_digest"],
        )
        messages.success(request, _("Настройки уведомлений сохранены"))
        return redirect("notifications:settings")
    return render(
        request,
        "notifications/settings.html",
        {
            "form": form,
            "channels": CHANNELS,
            "telegram_enabled": telegram_link.telegram_enabled(),
            "telegram_linked": bool(request.user.telegram_id),
            "email_ok": bool(request.user.email and request.user.email_verified),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def telegram_link_page(request: HttpRequest) -> HttpResponse:
    """'Подключить Telegram': a fresh one-time deep link to open in Telegram."""
    if not telegram_link.telegram_enabled():
        messages.error(request, _("Telegram-бот сейчас не подключён к сайту"))
        return redirect("notifications:settings")
    url = telegram_link.telegram_link_start(user=request.user)
    return render(request, "notifications/telegram_link.html", {"deep_link": url})


@login_required
@require_POST
def telegram_unlink_page(request: HttpRequest) -> HttpResponse:
    telegram_link.telegram_unlink(user=request.user)
    messages.success(request, _("Telegram отключён: бот больше не будет писать вам"))
    return redirect("notifications:settings")


@csrf_exempt  # the signed token is the authorisation; mail clients POST here (RFC 8058)
@require_http_methods(["GET", "POST"])
def unsubscribe_page(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks (link scanners open links), POST unsubscribes: one click in the mail client."""
    found = unsubscribe_read(token)
    if found is None:
        return render(request, "notifications/unsubscribe.html", {"invalid": True}, status=404)
    user_id, kind = found
    label = _("ежедневная сводка") if kind == DIGEST else KINDS[kind].label
    if request.method == "POST":
        if kind == DIGEST:
            preferences.unsubscribe_all_email(user_id=user_id)
        else:
            preferences.unsubscribe(user_id=user_id, kind=kind)
        return render(request, "notifications/unsubscribe.html", {"done": True, "label": label})
    return render(request, "notifications/unsubscribe.html", {"label": label})
