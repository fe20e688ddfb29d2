from __future__ import annotations

from django.db.models import QuerySet

from apps.notifications.models import Notification


def notification_list(
    *, user, status: str = "all", user_id: int | None = None
) -> QuerySet[Notification]:
    """`status`: pending (unread), read, or all. Staff may pass another user's id."""
    target = user_id if (user_id is not None and user.is_staff) else user.pk
    qs = Notification.objects.filter(user_id=target)
    if status == "pending":
        qs = qs.filter(read=False)
    elif status == "read":
        qs = qs.filter(read=True)
    return qs


def unread_count(*, user) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(user=user, read=False).count()
