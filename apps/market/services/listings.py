"""Listings: create, edit, delete. Deals own the `reserved` and `sold` states."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from apps.accounts.models import User
from apps.catalog.models import Game, Section
from apps.common.errors import InvalidState, PermissionDenied, ValidationFailed
from apps.market.images import image_process
from apps.market.models import DealStatus, Listing, ListingStatus, PurchaseRequest
from apps.market.services.deals import reject_pending_requests
from apps.market.services.photos import (
    listing_photo_files,
    listing_photos_remove,
    listing_photos_save,
    photos_check,
)
from apps.market.services.watch import favourites_notify_price_drop
from apps.market.watch_tasks import saved_searches_match

# The states a seller may choose by editing; reserved and sold come only from deals.
SELLER_STATUSES = (ListingStatus.ACTIVE, ListingStatus.CANCELLED)
EDITABLE_FIELDS = ("title", "description", "price", "status")
# Optional section attributes: an empty value clears them.
ATTRIBUTE_FIELDS = ("section", "server", "platform", "quantity", "delivery_minutes")


def _check_section(game_id: int, section: Section | None) -> None:
    if section is not None and section.game_id != game_id:
        raise ValidationFailed("В этой игре нет такого раздела", code="section_wrong_game")


def _set_image(listing: Listing, upload: UploadedFile) -> list[str]:
    """Attach a processed image; return the names of the files it replaces."""
    processed = image_process(upload)
    old = [f.name for f in (listing.image, listing.thumbnail) if f]
    listing.image.save(processed.image.name, processed.image, save=False)
    listing.thumbnail.save(processed.thumbnail.name, processed.thumbnail, save=False)
    return old


def _delete_files_on_commit(listing: Listing, names: list[str]) -> None:
    storage = listing.image.storage

    def delete() -> None:
        for name in names:
            storage.delete(name)

    if names:
        transaction.on_commit(delete)


def listing_create(
    *,
    seller: User,
    game: Game,
    title: str,
    description: str,
    price: Decimal,
    image: UploadedFile,
    section: Section | None = None,
    server: str = "",
    platform: str = "",
    quantity: int | None = None,
    delivery_minutes: int | None = None,
    photos: Sequence[UploadedFile] = (),
) -> Listing:
    """Put an item on sale. Images are checked and re-encoded before anything is saved."""
    _check_section(game.pk, section)
    extra = photos_check(photos)
    listing = Listing(
        seller=seller,
        game=game,
        title=title.strip(),
        description=description.strip(),
        price=price,
        section=section,
        server=(server or "").strip(),
        platform=platform or "",
        quantity=quantity,
        delivery_minutes=delivery_minutes,
    )
    _set_image(listing, image)
    try:
        with transaction.atomic():
            listing.save()
            listing_photos_save(listing=listing, processed=extra)
    except Exception:
        _delete_files_on_commit(listing, [listing.image.name, listing.thumbnail.name])
        raise
    transaction.on_commit(lambda: saved_searches_match.delay(listing_id=listing.pk))
    return listing


def listing_update(
    *,
    listing: Listing,
    user: User,
    data: dict,
    image: UploadedFile | None = None,
    photos: Sequence[UploadedFile] = (),
    remove_photos: Sequence[int] = (),
) -> Listing:
    """Edit the seller's listing. Taking it off sale rejects the pending requests."""
    if listing.seller_id != user.pk:
        raise PermissionDenied("Редактировать объявление может только продавец", code="not_seller")
    status = data.get("status")
    if status is not None and status not in SELLER_STATUSES:
        raise ValidationFailed(
            "Статусы «Забронировано» и «Продано» выставляются только сделкой", code="bad_status"
        )
    # Decode and re-encode the new photos before taking the row lock (slow work, no lock held).
    kept = listing.photos.exclude(pk__in=list(remove_photos)).count()
    extra = photos_check(photos, existing=kept) if photos else []
    with transaction.atomic():
        # The row lock keeps a concurrent accept from reserving it mid-edit.
        current = Listing.objects.select_for_update().get(pk=listing.pk)
        if current.moderation_hidden and status == ListingStatus.ACTIVE:
            raise InvalidState(
                "Объявление скрыто модератором и не может вернуться в продажу",
                code="listing_hidden",
            )
        if current.status not in SELLER_STATUSES:
            raise InvalidState(
                "Объявление с принятой или завершённой сделкой нельзя редактировать",
                code="listing_locked",
            )
        changed = [f for f in EDITABLE_FIELDS if f in data and data[f] is not None]
        if "section" in data:
            _check_section(listing.game_id, data["section"])
        attributes = [f for f in ATTRIBUTE_FIELDS if f in data]
        for field in attributes:
            value = data[field]
            if field in ("server", "platform"):
                value = (value or "").strip()
            setattr(listing, field, value)
        for field in changed:
            setattr(
                listing, field, data[field].strip() if isinstance(data[field], str) else data[field]
            )
        changed += attributes
        old_files: list[str] = []
        if image is not None:
            old_files = _set_image(listing, image)
            changed += ["image", "thumbnail"]
        if photos or remove_photos:
            listing_photos_remove(listing=listing, photo_ids=remove_photos)
            listing_photos_save(listing=listing, processed=extra)
        listing.save(update_fields=[*changed, "updated_at"])
        favourites_notify_price_drop(listing=listing, old_price=current.price)
        if current.status == ListingStatus.ACTIVE and listing.status == ListingStatus.CANCELLED:
            reject_pending_requests(listing_id=listing.pk, reason="продавец снял объявление")
        _delete_files_on_commit(listing, old_files)
    return listing


@transaction.atomic
def listing_delete(*, listing: Listing, user: User) -> None:
    """Delete the seller's listing unless a deal is in progress.

    Finished deals keep their snapshot (title, price) and reviews; pending requests are rejected.
    """
    if listing.seller_id != user.pk:
        raise PermissionDenied("Удалить объявление может только продавец", code="not_seller")
    current = Listing.objects.select_for_update().get(pk=listing.pk)
    in_progress = PurchaseRequest.objects.filter(
        listing=current,
        status__in=(DealStatus.ACCEPTED, DealStatus.DELIVERED, DealStatus.DISPUTED),
    )
    if current.status == ListingStatus.RESERVED or in_progress.exists():
        raise InvalidState(
            "По объявлению идёт сделка: завершите или отмените её, прежде чем удалять",
            code="deal_in_progress",
        )
    reject_pending_requests(listing_id=current.pk, reason="продавец удалил объявление")
    files = [f.name for f in (current.image, current.thumbnail) if f]
    files += listing_photo_files(current)
    current.delete()
    _delete_files_on_commit(current, files)
