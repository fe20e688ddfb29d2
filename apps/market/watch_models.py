"""Issue 20 models of LootLink: favourites, saved searches and extra listing photos."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Favourite(models.Model):
    """A listing the user keeps an eye on; a price drop notifies them."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="market_favourites"
    )
    listing = models.ForeignKey(
        "market.Listing", on_delete=models.CASCADE, related_name="favourites"
    )
    price_when_added = models.DecimalField(max_digits=12, decimal_places=2)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("избранное")
        verbose_name_plural = _("избранное")
        constraints = [
            models.UniqueConstraint(fields=["user", "listing"], name="favourite_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} ♥ {self.listing_id}"


class SavedSearch(models.Model):
    """Filters of the home or a game page; a new matching listing notifies the owner once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="market_saved_searches"
    )
    game = models.ForeignKey(
        "catalog.Game", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    params = models.JSONField(default=dict)  # the page's GET filters, as submitted
    name = models.CharField(max_length=200)
    # The newest listing already notified about: creation order makes matching idempotent.
    last_listing_id = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("сохранённый поиск")
        verbose_name_plural = _("сохранённые поиски")
        indexes = [models.Index(fields=["game"], name="saved_search_game")]

    def __str__(self) -> str:
        return self.name


def listing_photo_path(instance: ListingPhoto, filename: str) -> str:
    # Random names, like the listing's own image: nothing user-controlled, nothing guessable.
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "jpg"
    return f"listings/photos/{uuid.uuid4().hex[:2]}/{uuid.uuid4().hex}.{ext}"


class ListingPhoto(models.Model):
    """An extra photo of a listing; the listing's own `image` is the first of up to eight."""

    listing = models.ForeignKey("market.Listing", on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(upload_to=listing_photo_path, max_length=255)
    thumbnail = models.ImageField(upload_to=listing_photo_path, max_length=255)
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("фото объявления")
        verbose_name_plural = _("фото объявлений")

    def __str__(self) -> str:
        return f"{self.listing_id}#{self.position}"
