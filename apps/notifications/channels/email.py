"""Email: Django's mail backend (SMTP by environment, the console when embedded).

Only verified addresses get mail. Every message carries a signed one-click unsubscribe link for
its event kind, also as `List-Unsubscribe` + `List-Unsubscribe-Post` (RFC 8058) headers.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext

from apps.notifications.channels.base import Skip, absolute
from apps.notifications.kinds import KINDS, kind_of
from apps.notifications.models import Delivery, Notification, NotificationSettings
from apps.notifications.preferences import channel_enabled

SALT = "notifications.unsubscribe"
DIGEST = "digest"


def unsubscribe_token(*, user_id: int, kind: str) -> str:
    return signing.dumps({"u": user_id, "k": kind}, salt=SALT, compress=True)


def unsubscribe_read(token: str) -> tuple[int, str] | None:
    """(user id, kind) of a valid token, else None. Tokens do not expire: old mail still works."""
    try:
        data = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    kind = data.get("k") if isinstance(data, dict) else None
    if kind not in KINDS and kind != DIGEST:
        return None
    return int(data["u"]), kind


def unsubscribe_url(*, user_id: int, kind: str) -> str:
    token = unsubscribe_token(user_id=user_id, kind=kind)
    return absolute(reverse("notifications:unsubscribe", args=[token]))


def _message(*, to: str, subject: str, template: str, context: dict, unsub: str):
    context = context | {"unsubscribe_url": unsub, "site_url": settings.NOTIFY_SITE_URL}
    text = render_to_string(f"notifications/email/{template}.txt", context)
    html = render_to_string(f"notifications/email/{template}.html", context)
    msg = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers={
            "List-Unsubscribe": f"<{unsub}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    msg.attach_alternative(html, "text/html")
    return msg


def _subject(notification: Notification) -> str:
    first_line = notification.message.splitlines()[0] if notification.message else ""
    short = first_line if len(first_line) <= 90 else first_line[:89] + "…"
    return f"FreeMarket: {short}"


def send(delivery: Delivery) -> dict:
    user = delivery.user
    if not user.email or not user.email_verified:
        raise Skip("адрес не подтверждён")
    prefs = NotificationSettings.objects.filter(user_id=user.pk).first()
    notification = delivery.notification
    if notification is None:  # the daily digest
        items = digest_items(delivery)
        if not items:
            raise Skip("нечего отправлять")
        msg = _message(
            to=user.email,
            subject=gettext("FreeMarket: сводка за день, новых уведомлений — %(n)s")
            % {"n": len(items)},
            template="digest",
            context={"user": user, "items": items},
            unsub=unsubscribe_url(user_id=user.pk, kind=DIGEST),
        )
    else:
        if not channel_enabled(prefs, notification.type, "email"):
            raise Skip("отписка от этого типа писем")
        kind = kind_of(notification.type)
        msg = _message(
            to=user.email,
            subject=_subject(notification),
            template="notification",
            context={
                "user": user,
                "notification": notification,
                "link": absolute(notification.url),
                "kind_label": KINDS[kind].label,
            },
            unsub=unsubscribe_url(user_id=user.pk, kind=kind),
        )
    msg.send(fail_silently=False)
    return {}


def digest_items(delivery: Delivery) -> list[dict]:
    """The notifications a digest row covers: unread ones of the 24 hours before it."""
    since = delivery.created_at - timedelta(days=1)
    rows = Notification.objects.filter(
        user_id=delivery.user_id,
        read=False,
        created_at__gte=since,
        created_at__lte=delivery.created_at,
    ).order_by("created_at")[:50]
    return [{"message": n.message, "link": absolute(n.url), "at": n.created_at} for n in rows]
