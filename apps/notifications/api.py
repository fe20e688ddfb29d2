"""Notifications endpoints, plus the ticket that opens a live event stream."""

from __future__ import annotations

import secrets
from datetime import time
from typing import Literal

from django.core.cache import cache
from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from apps.accounts.security import auth_required
from apps.common.errors import PermissionDenied
from apps.common.pagination import SKIP_MAX
from apps.notifications import preferences, selectors, services

router = Router(tags=["Notifications"], auth=auth_required)
events_router = Router(tags=["Notifications"], auth=auth_required)

TICKET_TTL = 60


class NotificationFilters(Schema):
    user_id: int | None = None
    status: Literal["pending", "read", "all"] = "pending"
    skip: int = Field(0, ge=0, le=SKIP_MAX)
    limit: int = Field(20, ge=1, le=100)
    sort: Literal["created", "created_at"] | None = None
    order: Literal["asc", "desc"] = "desc"


@router.get("/")
def list_notifications(request: HttpRequest, filters: Query[NotificationFilters]):
    user = request.auth
    if filters.user_id is not None and filters.user_id != user.pk and not user.is_staff:
        raise PermissionDenied("Можно смотреть только свои уведомления", code="not_owner")
    qs = selectors.notification_list(user=user, status=filters.status, user_id=filters.user_id)
    ordering = "created_at" if filters.order == "asc" else "-created_at"
    total = qs.count()
    rows = qs.order_by(ordering, ordering.replace("created_at", "id"))[
        filters.skip : filters.skip + filters.limit
    ]
    return {
        "notifications": [n.as_dict() for n in rows],
        "count": total,
        "unread": selectors.unread_count(user=user),
    }


class ChannelPrefs(Schema):
    site: bool | None = None
    telegram: bool | None = None
    email: bool | None = None


class QuietHours(Schema):
    start: time
    end: time


class PreferencesIn(Schema):
    channels: dict[str, ChannelPrefs] | None = None
    time_zone: str | None = Field(None, max_length=64)
    quiet_hours: QuietHours | None = None
    email_digest: bool | None = None


def _preferences_out(view: preferences.PreferencesView, user) -> dict:
    quiet = (
        {"start": view.quiet_start.strftime("%H:%M"), "end": view.quiet_end.strftime("%H:%M")}
        if view.quiet_start and view.quiet_end
        else None
    )
    return {
        "channels": view.channels,
        "time_zone": view.time_zone,
        "quiet_hours": quiet,
        "email_digest": view.email_digest,
        "telegram_linked": bool(user.telegram_id),
        "email_verified": bool(user.email_verified),
    }


@router.get("/preferences")
def get_preferences(request: HttpRequest):
    """What reaches the user where: per event kind and channel, quiet hours, daily digest."""
    return _preferences_out(preferences.preferences_get(user=request.auth), request.auth)


@router.put("/preferences")
def put_preferences(request: HttpRequest, body: PreferencesIn):
    """Change what is given; `"quiet_hours": null` clears the quiet hours."""
    given = body.model_fields_set
    channels = (
        {k: v.model_dump(exclude_none=True) for k, v in body.channels.items()}
        if body.channels is not None
        else None
    )
    view = preferences.preferences_update(
        user=request.auth,
        channels=channels,
        time_zone=body.time_zone,
        quiet_start=body.quiet_hours.start if body.quiet_hours else None,
        quiet_end=body.quiet_hours.end if body.quiet_hours else None,
        set_quiet="quiet_hours" in given,
        email_digest=body.email_digest,
    )
    return _preferences_out(view, request.auth)


@router.get("/unread-count")
def unread_count(request: HttpRequest):
    return {"unread": selectors.unread_count(user=request.auth)}


@router.post("/read-all")
def read_all(request: HttpRequest):
    count = services.notifications_mark_all_read(user=request.auth)
    return {"status": "read", "updated": count}


@router.post("/{int:notification_id}/read")
def mark_read(request: HttpRequest, notification_id: int):
    notification = services.notification_get_for(user=request.auth, pk=notification_id)
    services.notification_mark_read(notification=notification)
    return {"notification_id": notification.pk, "status": "read"}


@events_router.post("/ticket")
def stream_ticket(request: HttpRequest):
    """A single-use, 60-second ticket for `GET /api/events/stream?ticket=...`.

    Browsers' EventSource cannot send an Authorization header; the site's own pages use the
    session cookie instead, other clients trade their bearer token for a ticket.
    """
    ticket = secrets.token_urlsafe(24)
    cache.set(f"sse-ticket:{ticket}", request.auth.pk, TICKET_TTL)
    return {
        "ticket": ticket,
        "expires_in": TICKET_TTL,
        "url": f"/api/events/stream?ticket={ticket}",
    }
