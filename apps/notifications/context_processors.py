from django.http import HttpRequest

from apps.notifications.selectors import unread_count
from apps.notifications.telegram_link import telegram_enabled


def notifications(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notifications": 0}
    return {
        "unread_notifications": unread_count(user=user),
        "telegram_bot_enabled": telegram_enabled(),
    }
