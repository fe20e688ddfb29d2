"""Favourites with price-drop alerts and saved searches that notify about new listings."""

from __future__ import annotations

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.http import QueryDict

from apps.accounts.models import User
from apps.catalog.models import Game
from apps.common.errors import NotFound, ValidationFailed
from apps.market.formatting import format_rub
from apps.market.models import Favourite, Listing, ListingStatus, SavedSearch
from apps.market.search_params import search_filters, search_name
from apps.market.selectors import ListingFilters, listing_list_active
from apps.notifications.services import notify_many

PRICE_DROP = "watch_price_drop"
NEW_LISTING = "watch_new_listing"
SAVED_SEARCH_LIMIT = 20


def favourite_add(*, user: User, listing: Listing) -> Favourite:
    """Add to favourites (idempotent). Not your own listing; not a hidden one."""
    if listing.seller_id == user.pk:
        raise ValidationFailed("Своё объявление нельзя добавить в избранное", code="own_listing")
    if listing.moderation_hidden:
        raise NotFound("Объявление не найдено", code="listing_not_found")
    try:
        with transaction.atomic():
            return Favourite.objects.create(
                user=user, listing=listing, price_when_added=listing.price
            )
    except IntegrityError:
        return Favourite.objects.get(user=user, listing=listing)


def favourite_remove(*, user: User, listing: Listing) -> bool:
    return Favourite.objects.filter(user=user, listing=listing).delete()[0] > 0


def favourites_notify_price_drop(*, listing: Listing, old_price: Decimal) -> int:
    """Tell everyone who favourited an active listing that its price went down.

    Called inside the price change's transaction; notifications are pushed after commit.
    """
    if listing.price >= old_price or listing.status != ListingStatus.ACTIVE:
        return 0
    user_ids = list(
        Favourite.objects.filter(listing=listing)
        .exclude(user_id=listing.seller_id)
        .values_list("user_id", flat=True)
    )
    payload = {
        "message": f"Цена на «{listing.title}» снизилась: {format_rub(old_price)} → "
        f"{format_rub(listing.price)}",
        "url": listing.get_absolute_url(),
        "listing_id": listing.pk,
        "listing_title": listing.title,
        "old_price": f"{old_price:.2f}",
        "new_price": f"{listing.price:.2f}",
    }
    notify_many([(uid, PRICE_DROP, payload) for uid in user_ids])
    return len(user_ids)


def saved_search_create(*, user: User, params: QueryDict | dict, game: Game | None) -> SavedSearch:
    """Save the filters of the home page (`game` None) or of a game page."""
    clean = search_filters(params, game=game, keep_raw=True)
    if not clean:
        raise ValidationFailed(
            "Задайте хотя бы один фильтр, чтобы сохранить поиск", code="search_empty"
        )
    if user.market_saved_searches.count() >= SAVED_SEARCH_LIMIT:
        raise ValidationFailed(
            f"Можно сохранить не больше {SAVED_SEARCH_LIMIT} поисков", code="search_limit"
        )
    newest = Listing.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    return SavedSearch.objects.create(
        user=user,
        game=game,
        params=clean,
        name=search_name(clean, game=game),
        last_listing_id=newest,  # only listings published from now on
    )


def saved_search_delete(*, user: User, pk: int) -> None:
    deleted, _ = SavedSearch.objects.filter(user=user, pk=pk).delete()
    if not deleted:
        raise NotFound("Поиск не найден", code="saved_search_not_found")


def saved_searches_notify(*, listing_id: int) -> int:
    """Notify owners of saved searches the new listing matches (once per search and listing).

    Runs after the listing's commit (a task); idempotent: each search remembers the newest
    listing it was checked against, claimed with a conditional update.
    """
    listing = Listing.objects.filter(pk=listing_id, status=ListingStatus.ACTIVE).first()
    if listing is None or listing.moderation_hidden:
        return 0
    searches = SavedSearch.objects.filter(last_listing_id__lt=listing.pk).exclude(
        user_id=listing.seller_id
    )
    searches = searches.filter(game__isnull=True) | searches.filter(game_id=listing.game_id)
    rows = []
    for search in searches:
        filters = search_filters(search.params, game=search.game)
        if search.game is not None:
            filters["game"] = search.game
        matches = (
            listing_list_active(filters=ListingFilters(**filters)).filter(pk=listing.pk).exists()
        )
        if not matches:
            continue
        claimed = SavedSearch.objects.filter(pk=search.pk, last_listing_id__lt=listing.pk).update(
            last_listing_id=listing.pk
        )
        if claimed:
            rows.append(
                (
                    search.user_id,
                    NEW_LISTING,
                    {
                        "message": f"Новое объявление по поиску «{search.name}»: "
                        f"{listing.title}, {format_rub(listing.price)}",
                        "url": listing.get_absolute_url(),
                        "listing_id": listing.pk,
                        "listing_title": listing.title,
                        "saved_search_id": search.pk,
                    },
                )
            )
    if rows:
        notify_many(rows)
    return len(rows)
