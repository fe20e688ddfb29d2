from __future__ import annotations

from django.conf import settings
from django.db.models import QuerySet

from apps.catalog.models import Category, CategoryVersion, Game
from apps.common.errors import NotFound, ValidationFailed


def category_version_get(*, version: str | None = None) -> CategoryVersion:
    qs = CategoryVersion.objects.all()
    found = qs.filter(version=version).first() if version else qs.filter(is_active=True).first()
    if found is None:
        raise NotFound(f"Версия категорий «{version or settings.FM_CATEGORY_VERSION}» не найдена")
    return found


def categories_for_version(
    *, version: str | None = None, exchange_type: str | None = None
) -> QuerySet[Category]:
    qs = Category.objects.filter(version=category_version_get(version=version))
    if exchange_type:
        qs = qs.filter(exchange_type=exchange_type.upper())
    return qs.order_by("exchange_type", "sort_order")


def category_get(*, exchange_type: str, slug: str) -> Category:
    """The active version's category of that type, or a validation error naming the type."""
    category = categories_for_version(exchange_type=exchange_type).filter(slug=slug).first()
    if category is None:
        raise ValidationFailed(
            f"Категория «{slug}» не существует для типа обмена {exchange_type}",
            code="invalid_category",
        )
    return category


def game_list() -> QuerySet[Game]:
    return Game.objects.all()
