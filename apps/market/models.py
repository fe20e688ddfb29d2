"""LootLink: game-item listings, purchase requests (deals) and reviews."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from apps.catalog.sections import DELIVERY_CHOICES, PLATFORM_CHOICES

PRICE_MIN = Decimal("1.00")
PRICE_MAX = Decimal("10000000.00")


def _image_path(folder: str, filename: str) -> str:
    # Random names: no user-controlled path parts, no collisions, nothing guessable.
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "jpg"
    return f"{folder}/{uuid.uuid4().hex[:2]}/{uuid.uuid4().hex}.{ext}"


def listing_image_path(instance: Listing, filename: str) -> str:
    return _image_path("listings", filename)


def listing_thumb_path(instance: Listing, filename: str) -> str:
    return _image_path("listings/thumbs", filename)


class ListingStatus(models.TextChoices):
    ACTIVE = "active", _("Активно")
    RESERVED = "reserved", _("Забронировано")
    SOLD = "sold", _("Продано")
    CANCELLED = "cancelled", _("Снято с продажи")


class Listing(models.Model):
    seller = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="market_listings"
    )
    game = models.ForeignKey(
        "catalog.Game", on_delete=models.PROTECT, related_name="market_listings"
    )
    title = models.CharField(_("название"), max_length=120)
    description = models.TextField(_("описание"), max_length=5000)
    # The game's section and the attributes that matter in it (all optional; see
    # apps/catalog/sections.py for which section kind asks for which attribute).
    section = models.ForeignKey(
        "catalog.Section",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="listings",
        verbose_name=_("раздел"),
    )
    server = models.CharField(_("сервер или регион"), max_length=60, blank=True)
    platform = models.CharField(_("платформа"), max_length=16, choices=PLATFORM_CHOICES, blank=True)
    quantity = models.PositiveIntegerField(_("количество"), null=True, blank=True)
    delivery_minutes = models.PositiveIntegerField(
        _("время передачи"), choices=DELIVERY_CHOICES, null=True, blank=True
    )
    price = models.DecimalField(
        _("цена, ₽"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(PRICE_MIN), MaxValueValidator(PRICE_MAX)],
    )
    image = models.ImageField(_("изображение"), upload_to=listing_image_path, max_length=255)
    thumbnail = models.ImageField(upload_to=listing_thumb_path, max_length=255, blank=True)
    status = models.CharField(
        max_length=10, choices=ListingStatus.choices, default=ListingStatus.ACTIVE
    )
    # Lower-cased title + description: SQLite's LIKE folds only ASCII, so the fallback search
    # compares against this column with Python-lowered (Cyrillic-aware) terms.
    search_text = models.TextField(blank=True, editable=False)
    # Hidden by a moderator (a report upheld): off sale, seen only by its seller and staff, and
    # the seller cannot put it back on sale.
    moderation_hidden = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("объявление")
        verbose_name_plural = _("объявления")
        indexes = [
            models.Index(fields=["status", "-created_at"], name="listing_status_created"),
            models.Index(fields=["game", "status", "-created_at"], name="listing_game_status"),
            models.Index(fields=["status", "price"], name="listing_status_price"),
            models.Index(fields=["seller", "-created_at"], name="listing_seller_created"),
            models.Index(
                fields=["section", "status", "-created_at"], name="listing_section_status"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(price__gte=PRICE_MIN), name="listing_price_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        self.search_text = f"{self.title} {self.description}".lower()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"title", "description"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("market:listing_detail", args=[self.pk])

    @property
    def card_image_url(self) -> str:
        field = self.thumbnail or self.image
        return field.url if field else ""

    @property
    def is_active(self) -> bool:
        return self.status == ListingStatus.ACTIVE


class DealStatus(models.TextChoices):
    PENDING = "pending", _("Ожидает ответа")
    ACCEPTED = "accepted", _("Принят")
    DELIVERED = "delivered", _("Передан, ждёт подтверждения")
    DISPUTED = "disputed", _("Спор")
    REJECTED = "rejected", _("Отклонён")
    COMPLETED = "completed", _("Завершён")
    CANCELLED = "cancelled", _("Отменён")


OPEN_STATUSES = (
    DealStatus.PENDING,
    DealStatus.ACCEPTED,
    DealStatus.DELIVERED,
    DealStatus.DISPUTED,
)
# The listing is held for the buyer in these states (one such deal per listing).
WINNER_STATUSES = ("accepted", "delivered", "disputed", "completed")


class ConfirmedBy(models.TextChoices):
    BUYER = "buyer", _("покупатель")
    AUTO = "auto", _("автоматически")
    STAFF = "staff", _("модератор")


class PurchaseRequest(models.Model):
    """A buyer's request for a listing: the deal, from asking to completion.

    The listing may be deleted later; the deal keeps a snapshot of its title and price so that
    finished deals and their reviews survive.
    """

    listing = models.ForeignKey(
        Listing,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="purchase_requests",
    )
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="market_purchases"
    )
    seller = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="market_sales"
    )
    status = models.CharField(max_length=10, choices=DealStatus.choices, default=DealStatus.PENDING)
    message = models.TextField(_("сообщение продавцу"), blank=True, max_length=1000)
    listing_title = models.CharField(max_length=120)
    price = models.DecimalField(max_digits=12, decimal_places=2)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)  # rejected or cancelled
    delivered_at = models.DateTimeField(null=True, blank=True)  # the seller marked delivered
    disputed_at = models.DateTimeField(null=True, blank=True)
    # who closed it as completed: the buyer, the auto-confirmation or staff (a dispute decision)
    completed_by = models.CharField(max_length=5, choices=ConfirmedBy.choices, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("запрос на покупку")
        verbose_name_plural = _("запросы на покупку")
        indexes = [
            models.Index(fields=["buyer", "-created_at"], name="pr_buyer_created"),
            models.Index(fields=["seller", "-created_at"], name="pr_seller_created"),
            models.Index(fields=["listing", "status"], name="pr_listing_status"),
        ]
        constraints = [
            # Exactly one buyer wins a listing: one accepted-or-completed request per listing.
            models.UniqueConstraint(
                fields=["listing"],
                condition=Q(status__in=["accepted", "delivered", "disputed", "completed"]),
                name="pr_one_winner_per_listing",
            ),
            # A buyer has at most one open request per listing (may ask again once it closes).
            models.UniqueConstraint(
                fields=["listing", "buyer"],
                condition=Q(status__in=["pending", "accepted", "delivered", "disputed"]),
                name="pr_one_open_per_buyer",
            ),
            models.CheckConstraint(condition=~Q(buyer=F("seller")), name="pr_not_own_listing"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.listing_title} ({self.status})"

    def get_absolute_url(self) -> str:
        return reverse("market:deal_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def role_of(self, user) -> str | None:
        if user.pk == self.seller_id:
            return "seller"
        if user.pk == self.buyer_id:
            return "buyer"
        return None


class Review(models.Model):
    purchase_request = models.ForeignKey(
        PurchaseRequest, on_delete=models.CASCADE, related_name="reviews"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="market_reviews_given"
    )
    reviewed_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="market_reviews_received",
    )
    rating = models.PositiveSmallIntegerField(
        _("оценка"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("комментарий"), blank=True, max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("отзыв")
        verbose_name_plural = _("отзывы")
        indexes = [models.Index(fields=["reviewed_user", "-created_at"], name="review_to_created")]
        constraints = [
            models.UniqueConstraint(
                fields=["purchase_request", "reviewer"], name="review_once_per_deal"
            ),
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5), name="review_rating_1_5"
            ),
            models.CheckConstraint(
                condition=~Q(reviewer=F("reviewed_user")), name="review_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer_id} → {self.reviewed_user_id}: {self.rating}"


# Favourites and saved searches live in their own module; importing them registers the models.
from apps.market.watch_models import Favourite, ListingPhoto, SavedSearch  # noqa: E402, F401
