"""Wants and offers of FreeMarket users."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from apps.catalog.models import Category, ExchangeType


class ItemType(models.TextChoices):
    WANT = "WANT", "Хочу"
    OFFER = "OFFER", "Предлагаю"


class ItemStatus(models.TextChoices):
    ACTIVE = "active", "Активно"
    ARCHIVED = "archived", "В архиве"
    EXCHANGED = "exchanged", "Обменено"


class Listing(models.Model):
    """One submission of wants and offers (the contract's `create-by-categories` batch)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="fm_listings"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Listing #{self.pk} of {self.user_id}"


class ListingItem(models.Model):
    listing = models.ForeignKey(Listing, on_delete=models.CASCADE, related_name="items")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="fm_items"
    )
    item_type = models.CharField(max_length=5, choices=ItemType.choices)
    exchange_type = models.CharField(max_length=10, choices=ExchangeType.choices)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, null=True, blank=True, related_name="items"
    )
    category_inferred = models.BooleanField(default=False)
    item_name = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=2000)
    value_tenge = models.PositiveBigIntegerField(default=0)
    duration_days = models.PositiveSmallIntegerField(null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=ItemStatus.choices, default=ItemStatus.ACTIVE, db_index=True
    )
    version = models.PositiveIntegerField(default=1)  # bumped on every edit
    # Lower-cased name + description: SQLite's LIKE folds only ASCII case, this works everywhere.
    search_text = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "желание или предложение"
        verbose_name_plural = "желания и предложения"
        indexes = [
            models.Index(fields=["item_type", "status", "exchange_type", "category"]),
            models.Index(fields=["user", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(exchange_type="TEMPORARY", duration_days__gte=1, duration_days__lte=365)
                    | Q(exchange_type="PERMANENT", duration_days__isnull=True)
                ),
                name="item_duration_matches_type",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_item_type_display()}: {self.item_name}"

    def save(self, *args, **kwargs) -> None:
        self.search_text = f"{self.item_name} {self.description}".lower()
        if kwargs.get("update_fields") is not None and (
            {"item_name", "description"} & set(kwargs["update_fields"])
        ):
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text"}
        super().save(*args, **kwargs)

    @property
    def is_active(self) -> bool:
        return self.status == ItemStatus.ACTIVE
