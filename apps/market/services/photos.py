"""Extra listing photos: up to eight per listing with the main image, each checked and
re-encoded like the main image (apps/market/images.py)."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from apps.common.errors import ValidationFailed
from apps.market.images import ProcessedImage, image_process
from apps.market.models import Listing, ListingPhoto

MAX_PHOTOS = 8  # the main image included


def photos_check(uploads: Sequence[UploadedFile], *, existing: int = 0) -> list[ProcessedImage]:
    """Validate and re-encode every upload before anything is saved."""
    if 1 + existing + len(uploads) > MAX_PHOTOS:
        raise ValidationFailed(
            f"Не больше {MAX_PHOTOS} фото в объявлении, считая главное", code="image_too_many"
        )
    return [image_process(upload) for upload in uploads]


def listing_photos_save(*, listing: Listing, processed: list[ProcessedImage]) -> None:
    """Attach checked photos after the existing ones (inside the caller's transaction)."""
    last = listing.photos.order_by("-position").values_list("position", flat=True).first()
    start = 0 if last is None else last + 1
    for offset, item in enumerate(processed):
        photo = ListingPhoto(listing=listing, position=start + offset)
        photo.image.save(item.image.name, item.image, save=False)
        photo.thumbnail.save(item.thumbnail.name, item.thumbnail, save=False)
        photo.save()


def listing_photos_remove(*, listing: Listing, photo_ids: Sequence[int]) -> int:
    """Remove this listing's photos among `photo_ids` (others' ids are ignored); files go after
    commit."""
    photos = list(ListingPhoto.objects.filter(listing=listing, pk__in=list(photo_ids)))
    names = [f.name for p in photos for f in (p.image, p.thumbnail) if f]
    ListingPhoto.objects.filter(pk__in=[p.pk for p in photos]).delete()
    if names:
        storage = ListingPhoto._meta.get_field("image").storage

        def delete() -> None:
            for name in names:
                storage.delete(name)

        transaction.on_commit(delete)
    return len(photos)


def listing_photo_files(listing: Listing) -> list[str]:
    return [f.name for p in listing.photos.all() for f in (p.image, p.thumbnail) if f]
