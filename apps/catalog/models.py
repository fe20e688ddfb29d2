from __future__ import annotations

from django.db import models
from django.db.models import Q

from apps.catalog.sections import KIND_ATTRIBUTES


class ExchangeType(models.TextChoices):
    PERMANENT = "PERMANENT", "Постоянный обмен"
    TEMPORARY = "TEMPORARY", "Временный обмен"


class CategoryVersion(models.Model):
    version = models.CharField(max_length=16, unique=True)
    description = models.TextField(blank=True)
    is_active = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"],
                condition=Q(is_active=True),
                name="one_active_category_version",
            )
        ]

    def __str__(self) -> str:
        return self.version


class Category(models.Model):
    version = models.ForeignKey(
        CategoryVersion, on_delete=models.CASCADE, related_name="categories"
    )
    exchange_type = models.CharField(max_length=10, choices=ExchangeType.choices)
    slug = models.SlugField(max_length=64)
    name = models.CharField(max_length=200)
    group = models.CharField(max_length=120)
    emoji = models.CharField(max_length=16, blank=True)
    sort_order = models.PositiveIntegerField(default=0)
    form_schema = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["exchange_type", "sort_order"]
        verbose_name = "категория"
        verbose_name_plural = "категории"
        constraints = [
            models.UniqueConstraint(
                fields=["version", "exchange_type", "slug"], name="category_unique_slug"
            )
        ]

    def __str__(self) -> str:
        return f"{self.emoji} {self.name}"


class Game(models.Model):
    """A game whose items are sold on LootLink."""

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=64, unique=True)
    description = models.TextField(blank=True)
    item_kinds = models.JSONField(default=list, blank=True)
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = "игра"
        verbose_name_plural = "игры"

    def __str__(self) -> str:
        return self.name


class Section(models.Model):
    """A section of a game on LootLink ("Аккаунты", "Робуксы", "Буст MMR").

    `kind` (see apps/catalog/sections.py) decides which listing attributes matter here.
    """

    game = models.ForeignKey(Game, on_delete=models.CASCADE, related_name="sections")
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=64)
    kind = models.CharField(max_length=16, default="other")
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["game", "sort_order", "pk"]
        verbose_name = "раздел игры"
        verbose_name_plural = "разделы игр"
        constraints = [
            models.UniqueConstraint(fields=["game", "slug"], name="section_unique_slug"),
        ]

    def __str__(self) -> str:
        return f"{self.game} / {self.name}"

    @property
    def attributes(self) -> tuple[str, ...]:
        return KIND_ATTRIBUTES.get(self.kind, ())
