"""The item page's writes and reads (issue 20): photos (up to 5, re-encoded), condition, and
the proposer's choices for "Предложить обмен"."""

from __future__ import annotations

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet

from apps.accounts.models import User
from apps.common.errors import NotFound, PermissionDenied, ValidationFailed
from apps.exchange.models import (
    MAX_ITEM_PHOTOS,
    ItemCondition,
    ItemPhoto,
    ItemStatus,
    ItemType,
    ListingItem,
)
from apps.market.images import image_process


def item_get_public(*, pk: int, viewer: User | None) -> ListingItem:
    """An active item of an active user; its owner also sees it when it is no longer active."""
    item = (
        ListingItem.objects.select_related("user", "category")
        .prefetch_related("photos", "user__location_set")
        .filter(pk=pk)
        .first()
    )
    is_owner = item is not None and viewer is not None and item.user_id == viewer.pk
    if item is None or not (is_owner or (item.is_active and item.user.is_active)):
        raise NotFound("Позиция не найдена или снята с обмена", code="item_not_found")
    return item


def _own_active(item: ListingItem, user: User) -> None:
    if item.user_id != user.pk:
        raise PermissionDenied("Это не ваша позиция", code="not_owner")
    if item.status != ItemStatus.ACTIVE:
        raise ValidationFailed("Изменять можно только активные позиции", code="not_active")


def item_photo_add(*, item: ListingItem, user: User, upload: UploadedFile) -> ItemPhoto:
    """Check and re-encode the upload (no metadata kept), then attach it as the last photo."""
    _own_active(item, user)
    processed = image_process(upload)  # raises ValidationFailed for anything but a clean image
    with transaction.atomic():
        ListingItem.objects.select_for_update().filter(pk=item.pk).first()  # count under lock
        count = ItemPhoto.objects.filter(item=item).count()
        if count >= MAX_ITEM_PHOTOS:
            raise ValidationFailed(
                f"Можно добавить не больше {MAX_ITEM_PHOTOS} фотографий", code="too_many_photos"
            )
        photo = ItemPhoto(item=item, position=count)
        photo.image.save(processed.image.name, processed.image, save=False)
        photo.thumbnail.save(processed.thumbnail.name, processed.thumbnail, save=False)
        photo.save()
    return photo


def item_photo_delete(*, item: ListingItem, user: User, photo_id: int) -> None:
    if item.user_id != user.pk:
        raise PermissionDenied("Это не ваша позиция", code="not_owner")
    photo = ItemPhoto.objects.filter(item=item, pk=photo_id).first()
    if photo is None:
        raise NotFound("Фотография не найдена", code="photo_not_found")
    names = [photo.image.name, photo.thumbnail.name]
    storage = photo.image.storage
    photo.delete()
    transaction.on_commit(lambda: [storage.delete(n) for n in names if n])


def item_set_condition(*, item: ListingItem, user: User, condition: str) -> None:
    _own_active(item, user)
    if condition and condition not in ItemCondition.values:
        raise ValidationFailed("Выберите состояние из списка", code="invalid_condition")
    ListingItem.objects.filter(pk=item.pk).update(condition=condition)


def offers_to_give(*, user: User) -> QuerySet[ListingItem]:
    """The proposer's own active offers that are not held by an open proposal."""
    return ListingItem.objects.filter(
        user=user, item_type=ItemType.OFFER, status=ItemStatus.ACTIVE, lock__isnull=True
    ).order_by("-created_at")


def offers_of_owner(*, item: ListingItem) -> QuerySet[ListingItem]:
    """What the owner of a want could give in return: their free active offers."""
    return ListingItem.objects.filter(
        user_id=item.user_id, item_type=ItemType.OFFER, status=ItemStatus.ACTIVE, lock__isnull=True
    ).order_by("-created_at")
