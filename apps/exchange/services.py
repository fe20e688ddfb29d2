"""Writes on wants and offers. Proposal services live in `proposals.py`."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from django.db import transaction
from django.db.models import F

from apps.accounts.models import User
from apps.catalog.inference import suggest_category
from apps.catalog.models import Category
from apps.catalog.selectors import category_get
from apps.common.errors import PermissionDenied, ValidationFailed
from apps.exchange.models import ItemStatus, ItemType, Listing, ListingItem

MAX_ITEMS_PER_REQUEST = 50


@dataclass(frozen=True)
class ItemDraft:
    item_type: str
    exchange_type: str
    item_name: str
    value_tenge: int = 0
    description: str = ""
    duration_days: int | None = None
    category: str | None = None
    any_in_category: bool = False


item_changed_hooks: list[Callable[[list[int], str], None]] = []
"""Callables `hook(item_ids, reason)` run in the transaction that edits or archives items
(the proposals module cancels pending proposals that use them)."""

items_created_hooks: list[Callable[[int], None]] = []
"""Callables `hook(user_id)` run after commit when a user's wants/offers changed."""


def _resolve_category(draft: ItemDraft) -> tuple[Category | None, bool]:
    if draft.category:
        return category_get(exchange_type=draft.exchange_type, slug=draft.category), False
    suggestion = suggest_category(
        exchange_type=draft.exchange_type, name=draft.item_name, description=draft.description
    )
    # A doubtful guess is not stored: an item without a category is matched by its text,
    # one in a wrong category would be offered the wrong things.
    if suggestion is None or not suggestion.confident:
        return None, False
    return category_get(exchange_type=draft.exchange_type, slug=suggestion.slug), True


def _normalised(draft: ItemDraft) -> ItemDraft:
    """One rule for API and web: runs of whitespace collapse, a name must remain."""
    name = " ".join(draft.item_name.split())
    if not name:
        raise ValidationFailed("Название не может быть пустым", code="empty_name")
    return replace(draft, item_name=name, description=" ".join((draft.description or "").split()))


def _validate(draft: ItemDraft) -> None:
    if draft.exchange_type == "TEMPORARY" and draft.duration_days is None:
        raise ValidationFailed(
            f"«{draft.item_name}»: для временного обмена укажите duration_days (1..365)",
            code="duration_required",
        )
    if draft.exchange_type == "PERMANENT" and draft.duration_days is not None:
        raise ValidationFailed(
            f"«{draft.item_name}»: duration_days указывается только для временного обмена",
            code="duration_not_allowed",
        )
    if draft.any_in_category and draft.item_type != ItemType.WANT:
        raise ValidationFailed(
            f"«{draft.item_name}»: «что угодно из категории» бывает только у желаний",
            code="any_in_category_offer",
        )
    if draft.any_in_category and not draft.category:
        # A guessed category would turn "anything" into anything of the wrong kind.
        raise ValidationFailed(
            f"«{draft.item_name}»: чтобы подошло что угодно из категории, выберите категорию",
            code="any_in_category_needs_category",
        )


def _after_commit_changed(user_id: int) -> None:
    for hook in items_created_hooks:
        transaction.on_commit(lambda hook=hook: hook(user_id))


def listing_create(*, user: User, drafts: Iterable[ItemDraft]) -> tuple[Listing, list[ListingItem]]:
    """Create a batch of wants and offers; categories are checked or inferred per item."""
    drafts = list(drafts)
    if not drafts:
        raise ValidationFailed("Добавьте хотя бы одно желание или предложение", code="empty")
    if len(drafts) > MAX_ITEMS_PER_REQUEST:
        raise ValidationFailed(
            f"Не более {MAX_ITEMS_PER_REQUEST} позиций за один запрос", code="too_many"
        )
    prepared = []
    for draft in map(_normalised, drafts):
        _validate(draft)
        category, inferred = _resolve_category(draft)
        prepared.append((draft, category, inferred))
    with transaction.atomic():
        listing = Listing.objects.create(user=user)
        items = [
            ListingItem.objects.create(
                listing=listing,
                user=user,
                item_type=draft.item_type,
                exchange_type=draft.exchange_type,
                category=category,
                category_inferred=inferred,
                item_name=draft.item_name,
                description=draft.description,
                value_tenge=draft.value_tenge,
                duration_days=draft.duration_days,
                any_in_category=draft.any_in_category,
            )
            for draft, category, inferred in prepared
        ]
        _after_commit_changed(user.pk)
    return listing, items


EDITABLE = (
    "item_name",
    "description",
    "value_tenge",
    "duration_days",
    "category",
    "any_in_category",
)


def item_update(*, item: ListingItem, user: User, data: dict) -> ListingItem:
    """Edit one's own active item; pending proposals that use it are cancelled."""
    if item.user_id != user.pk and not user.is_staff:
        raise PermissionDenied("Можно изменять только свои желания и предложения", code="not_owner")
    if item.status != ItemStatus.ACTIVE:
        raise ValidationFailed("Изменять можно только активные позиции", code="not_active")
    draft = ItemDraft(
        item_type=item.item_type,
        exchange_type=item.exchange_type,
        item_name=data.get("item_name", item.item_name),
        description=data.get("description", item.description),
        value_tenge=data.get("value_tenge", item.value_tenge),
        duration_days=data.get("duration_days", item.duration_days),
        category=data.get(
            "category",
            item.category.slug if item.category and not item.category_inferred else None,
        ),
        any_in_category=bool(
            item.any_in_category if data.get("any_in_category") is None else data["any_in_category"]
        ),
    )
    draft = _normalised(draft)
    _validate(draft)
    category, inferred = _resolve_category(draft)
    with transaction.atomic():
        locked = ListingItem.objects.select_for_update().get(pk=item.pk)
        if locked.status != ItemStatus.ACTIVE:
            raise ValidationFailed("Изменять можно только активные позиции", code="not_active")
        for hook in item_changed_hooks:
            hook([locked.pk], "item_edited")
        locked.item_name = draft.item_name
        locked.description = draft.description
        locked.value_tenge = draft.value_tenge
        locked.duration_days = draft.duration_days
        locked.category = category
        locked.category_inferred = inferred
        locked.any_in_category = draft.any_in_category
        locked.version = F("version") + 1
        locked.save()
        _after_commit_changed(locked.user_id)
    locked.refresh_from_db()
    return locked


def item_archive(*, item: ListingItem, user: User) -> ListingItem:
    """Archive one's own item (the API's DELETE); pending proposals that use it are cancelled."""
    if item.user_id != user.pk and not user.is_staff:
        raise PermissionDenied("Можно удалять только свои желания и предложения", code="not_owner")
    with transaction.atomic():
        locked = ListingItem.objects.select_for_update().get(pk=item.pk)
        if locked.status == ItemStatus.ACTIVE:
            for hook in item_changed_hooks:
                hook([locked.pk], "item_archived")
            locked.status = ItemStatus.ARCHIVED
            locked.save(update_fields=["status", "updated_at"])
            _after_commit_changed(locked.user_id)
    return locked


def items_archive_for_deleted_user(user: User) -> None:
    ids = list(
        ListingItem.objects.filter(user=user, status=ItemStatus.ACTIVE).values_list("pk", flat=True)
    )
    if ids:
        for hook in item_changed_hooks:
            hook(ids, "account_deleted")
        ListingItem.objects.filter(pk__in=ids).update(status=ItemStatus.ARCHIVED)


__all__ = ["ItemDraft", "ItemType", "listing_create", "item_update", "item_archive"]
