"""Template helpers of the LootLink pages: money, stars, badges, query strings, counters."""

from __future__ import annotations

from datetime import UTC

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString

from apps.accounts.presence import presence_of
from apps.chat.selectors import unread_message_count
from apps.market.formatting import format_int, format_rub

register = template.Library()

STATUS_TONES = {
    "active": "ok",
    "reserved": "warn",
    "sold": "muted",
    "cancelled": "muted",
    "pending": "warn",
    "accepted": "info",
    "delivered": "info",
    "disputed": "bad",
    "completed": "ok",
    "rejected": "bad",
}


@register.filter
def rub(value) -> str:
    return format_rub(value)


@register.filter
def num(value) -> str:
    """12 500: Russian grouping for counts and quantities."""
    return format_int(value)


@register.simple_tag
def stars(value, count: int | None = None, empty: str = "Новый продавец") -> SafeString:
    """Five stars filled to `value` (0..5), with the number for screen readers.

    With a rating count of zero there is nothing to average: `empty` ("Новый продавец")
    instead of a misleading "0,0".
    """
    if count is not None and not count:
        return format_html('<span class="badge badge-info" data-rating="none">{}</span>', empty)
    try:
        rating = max(0.0, min(5.0, float(value or 0)))
    except (TypeError, ValueError):
        rating = 0.0
    percent = round(rating / 5 * 100)
    label = f"{rating:.1f}".replace(".", ",")
    suffix = (
        format_html(' <span class="stars-count">({})</span>', count) if count is not None else ""
    )
    return format_html(
        '<span class="stars" role="img" aria-label="Рейтинг {} из 5">'
        '<span class="stars-fill" style="width:{}%"></span></span>'
        ' <span class="stars-value">{}</span>{}',
        label,
        percent,
        label,
        suffix,
    )


@register.simple_tag
def status_badge(obj) -> SafeString:
    tone = STATUS_TONES.get(obj.status, "muted")
    return format_html('<span class="badge badge-{}">{}</span>', tone, obj.get_status_display())


@register.simple_tag(takes_context=True)
def query(context, **changes) -> str:
    """The current query string with some parameters replaced (pagination keeps filters)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.simple_tag(takes_context=True)
def unread_messages(context) -> int:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    return unread_message_count(user=user)


@register.filter
def initial(user) -> str:
    name = getattr(user, "username", "") or "?"
    return name[:1].upper()


@register.simple_tag
def presence(user, dot_only: bool = False) -> SafeString | str:
    """Online status of a person: a green dot and "В сети", or a coarse "был(а) …"."""
    online, label = presence_of(getattr(user, "last_active_at", None))
    if not label:
        return ""
    if dot_only:
        if not online:
            return ""
        return format_html(
            '<span class="presence-dot" title="{}"><span class="visually-hidden">{}</span></span>',
            label,
            label,
        )
    return format_html('<span class="presence{}">{}</span>', " is-online" if online else "", label)


@register.simple_tag
def avatar(user, size: str = "sm") -> SafeString:
    """A person's uploaded avatar, or their initial when they have none (issue 20)."""
    image = getattr(user, "avatar", None)
    if image:
        return format_html(
            '<span class="avatar avatar-{}"><img src="{}" alt="" loading="lazy"></span>',
            size,
            image.url,
        )
    return format_html('<span class="avatar avatar-{}">{}</span>', size, initial(user))


@register.simple_tag
def when(value, style: str = "datetime") -> SafeString | str:
    """A <time> in ISO 8601 UTC, shown in the user's zone (UserTimeZoneMiddleware) and
    re-rendered by site.js in the same zone (style: datetime, date or relative)."""
    if not value:
        return ""
    local = timezone.localtime(value)
    text = date_format(local, "j E Y" if style == "date" else "j E Y, H:i")
    iso = value.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    return format_html(
        '<time datetime="{}" data-style="{}" title="{}">{}</time>',
        iso,
        style,
        date_format(local, "j E Y, H:i"),
        text,
    )


@register.filter
def ru_plural(value, forms: str) -> str:
    """`{{ n|ru_plural:"объявление,объявления,объявлений" }}` → "21 объявление", "3 объявления".

    Russian has three plural forms; without compiled .po files gettext would apply English rules.
    """
    try:
        n = abs(int(value))
    except (TypeError, ValueError):
        return str(value)
    one, few, many = forms.split(",")
    if n % 10 == 1 and n % 100 != 11:
        word = one
    elif 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        word = few
    else:
        word = many
    return f"{format_int(int(value))} {word}"  # 1 500 объявлений: grouped like prices
