"""Small factories for LootLink tests (fast: listings point at an image name, no file)."""

from __future__ import annotations

import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from apps.catalog.models import Game
from apps.market.models import Listing, PurchaseRequest, Review

HTML = {"HTTP_ACCEPT": "text/html,application/xhtml+xml"}


def image_bytes(
    fmt: str = "PNG", size: tuple[int, int] = (64, 48), color=(200, 40, 40), **save_kwargs
) -> bytes:
    buffer = io.BytesIO()
    mode = "RGB" if fmt == "JPEG" else "RGBA"
    Image.new(mode, size, color).save(buffer, fmt, **save_kwargs)
    return buffer.getvalue()


def upload(name: str = "item.png", data: bytes | None = None, content_type: str = "image/png"):
    return SimpleUploadedFile(name, data if data is not None else image_bytes(), content_type)


def game(slug: str = "cs2") -> Game:
    return Game.objects.get_or_create(slug=slug, defaults={"name": slug.upper()})[0]


def make_listing(
    seller,
    *,
    title: str = "AK-47 | Redline",
    price: str = "1500.00",
    status: str = "active",
    game_slug: str = "cs2",
    **extra,
) -> Listing:
    return Listing.objects.create(
        seller=seller,
        game=game(game_slug),
        title=title,
        description=extra.pop("description", "Отличное состояние, быстрая передача"),
        price=Decimal(price),
        status=status,
        image=extra.pop("image", "listings/test.png"),
        **extra,
    )


def make_deal(listing: Listing, buyer, *, status: str = "pending", **extra) -> PurchaseRequest:
    return PurchaseRequest.objects.create(
        listing=listing,
        buyer=buyer,
        seller_id=listing.seller_id,
        status=status,
        listing_title=listing.title,
        price=listing.price,
        **extra,
    )


def make_review(pr: PurchaseRequest, reviewer, rating: int = 5) -> Review:
    reviewed = pr.buyer if reviewer.pk == pr.seller_id else pr.seller
    return Review.objects.create(
        purchase_request=pr, reviewer=reviewer, reviewed_user=reviewed, rating=rating
    )


def snapshot(*objs) -> list[dict]:
    """Rows reloaded from the database, to compare before and after a refused action."""
    out = []
    for obj in objs:
        fresh = type(obj).objects.filter(pk=obj.pk).values().first()
        out.append(fresh)
    return out
