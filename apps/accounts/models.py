"""One user model for both faces of the product (FreeMarket and LootLink)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class City(models.TextChoices):
    ALMATY = "Алматы", "Алматы"
    ASTANA = "Астана", "Астана"
    SHYMKENT = "Шымкент", "Шымкент"


CITY_ORDER = {c.value: i for i, c in enumerate(City)}


class User(AbstractUser):
    # Email is unique when present; the passwordless `/api/users/` may omit it.
    email = models.EmailField(_("email"), null=True, blank=True)
    phone = models.CharField(_("телефон"), max_length=32, null=True, blank=True)
    full_name = models.CharField(_("полное имя"), max_length=150, blank=True)
    telegram_contact = models.CharField(_("Telegram"), max_length=64, blank=True)
    discord = models.CharField(_("Discord"), max_length=64, blank=True)
    city = models.CharField(_("город"), max_length=64, blank=True)
    bio = models.TextField(_("о себе"), blank=True, max_length=2000)
    avatar = models.ImageField(_("аватар"), upload_to="avatars/%Y/%m/", blank=True)

    trust_score = models.FloatField(default=0.0)
    exchange_count = models.PositiveIntegerField(default=0)
    # Ratings from both faces (exchange ratings and LootLink reviews) add up here, with F().
    rating_sum = models.PositiveIntegerField(default=0)
    rating_count = models.PositiveIntegerField(default=0)
    total_sales = models.PositiveIntegerField(default=0)
    total_purchases = models.PositiveIntegerField(default=0)

    is_verified = models.BooleanField(default=False)
    email_verified = models.BooleanField(default=False)
    phone_verified = models.BooleanField(default=False)
    is_deleted = models.BooleanField(default=False)
    # A moderator's ban sets is_active=False; a temporary one also sets banned_until, and the
    # auth backend lifts it at the first login after that moment (apps/moderation/sanctions.py).
    banned_until = models.DateTimeField(null=True, blank=True)
    # Withdrawals from confirmed exchanges (1 each) and upheld no-shows (2 each) lower the
    # trust score (apps/exchange/trust.py).
    trust_strikes = models.PositiveIntegerField(default=0)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    last_active_at = models.DateTimeField(null=True, blank=True)

    telegram_id = models.BigIntegerField(null=True, blank=True, unique=True)
    telegram_username = models.CharField(max_length=64, null=True, blank=True)
    telegram_first_name = models.CharField(max_length=128, null=True, blank=True)

    objects = UserManager()

    class Meta:
        verbose_name = _("пользователь")
        verbose_name_plural = _("пользователи")
        constraints = [
            models.UniqueConstraint(
                models.functions.Lower("email"),
                condition=Q(email__isnull=False),
                name="user_email_unique_ci",
            ),
            models.UniqueConstraint(
                fields=["phone"], condition=Q(phone__isnull=False), name="user_phone_unique"
            ),
        ]

    @property
    def rating_avg(self) -> float:
        return round(self.rating_sum / self.rating_count, 2) if self.rating_count else 0.0

    @property
    def last_login_at(self):  # the contract's name for Django's last_login
        return self.last_login

    @property
    def locations(self) -> list[str]:
        cities = [loc.city for loc in self.location_set.all()]
        return sorted(cities, key=lambda c: CITY_ORDER.get(c, 99))

    @property
    def display_name(self) -> str:
        return self.full_name or self.get_full_name() or self.username


class UserLocation(models.Model):
    """The cities a user exchanges in (1 to 3). A table, so listings can be filtered by city."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="location_set"
    )
    city = models.CharField(max_length=32, choices=City.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "city"], name="user_location_unique")
        ]
        indexes = [models.Index(fields=["city", "user"])]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.city}"


class AuthSession(models.Model):
    """One login on one device: a family of rotating refresh tokens.

    Token state (which hash is current, which were rotated) lives in Redis / the cache; this row
    lets a user list and revoke their sessions and survives a cache flush as 'revoked'.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="auth_sessions"
    )
    family = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    user_agent = models.CharField(max_length=256, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "revoked_at"])]

    def __str__(self) -> str:
        return f"session {self.family[:8]} of {self.user_id}"


class WebSession(models.Model):
    """Which Django session keys belong to which user (recorded at login), so every web session
    of a user can be ended (password change, reset, ban) whatever SESSION_ENGINE stores them."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="web_sessions"
    )
    session_key = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"web session of {self.user_id}"


class UserBlock(models.Model):
    """`blocker` blocked `blocked`: no chat, purchase requests or exchanges between them.

    Lives here, in the lowest app, because chat, market and exchange all check it. The blocked
    side is never told (apps/accounts/blocks.py).
    """

    blocker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blocks_made"
    )
    blocked = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blocks_received"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="user_block_unique"),
            models.CheckConstraint(condition=~Q(blocker=F("blocked")), name="user_block_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.blocker_id} blocked {self.blocked_id}"


class TOTPDevice(models.Model):
    """A user's authenticator app (TOTP, RFC 6238). Active once `confirmed_at` is set.

    `last_step` is the time step of the last accepted code, so a code works only once.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="totp_device"
    )
    secret = models.CharField(max_length=64)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    last_step = models.BigIntegerField(default=0)
    # SHA-256 of the unused one-time recovery codes (shown once, when 2FA is switched on)
    recovery_hashes = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"TOTP of {self.user_id}"


class LoginEvent(models.Model):
    """One login attempt (web or API), for the user's "login history" page."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="login_events"
    )
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    method = models.CharField(max_length=8)  # "web" | "api"
    success = models.BooleanField(default=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=256, blank=True)
    session_key = models.CharField(max_length=40, blank=True)  # web sessions
    family = models.CharField(max_length=64, blank=True)  # API refresh families

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["user", "-at"], name="login_event_user_at")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.method} {self.at:%Y-%m-%d %H:%M}"
