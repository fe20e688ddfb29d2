"""Listings Exchange endpoints: wants and offers."""

from __future__ import annotations

from typing import Literal, get_args

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status
from pydantic import Field

from apps.accounts.security import auth_required
from apps.common.pagination import PageParams, paginate
from apps.exchange import selectors, services
from apps.exchange.models import ListingItem
from apps.exchange.proposal_selectors import ProposalSort
from apps.exchange.schemas import (
    CreateByCategoriesIn,
    CreateByCategoriesOut,
    CreateItemIn,
    ItemOut,
    SingleItemOut,
    UpdateItemIn,
)

router = Router(tags=["Listings Exchange"])

ITEM_SORT = {
    "created": "created_at",
    "created_at": "created_at",
    "value": "value_tenge",
    "value_tenge": "value_tenge",
    "name": "item_name",
    "updated": "updated_at",
}
ItemSort = Literal["created", "created_at", "value", "value_tenge", "name", "updated"]
assert set(get_args(ItemSort)) == set(ITEM_SORT)


class ItemPage(PageParams):
    """Item lists: `sort` is one of ITEM_SORT's names (an enum in the OpenAPI schema)."""

    sort: ItemSort | None = Field(None, description="Поле сортировки")


class ProposalPage(PageParams):
    """Proposal lists: `sort` is one of the proposal sort names."""

    sort: ProposalSort | None = Field(None, description="Поле сортировки")


def item_out(item: ListingItem) -> dict:
    return {
        "id": item.pk,
        "title": item.item_name,
        "description": item.description,
        "user_id": item.user_id,
        "username": item.user.username,
        "exchange_type": item.exchange_type,
        "item_type": item.item_type,
        "item_name": item.item_name,
        "category": item.category.slug if item.category else None,
        "any_in_category": item.any_in_category,
        "value_tenge": item.value_tenge,
        "duration_days": item.duration_days,
        "status": item.status,
        "created_at": item.created_at,
        "updated_at": item.updated_at,
    }


def created_out(item: ListingItem) -> dict:
    return {**item_out(item), "category_inferred": item.category_inferred}


def page_of_items(response: HttpResponse, qs, page: PageParams, *, count=None) -> list[dict]:
    rows, total = paginate(qs, page, sort_fields=ITEM_SORT, count=count)
    response["X-Total-Count"] = str(total)
    return [item_out(item) for item in rows]


class ItemFilters(ItemPage):
    category: str | None = None
    exchange_type: Literal["PERMANENT", "TEMPORARY"] | None = None
    city: str | None = None
    q: str | None = None


@router.post("/create-by-categories", response={201: CreateByCategoriesOut}, auth=auth_required)
def create_by_categories(request: HttpRequest, payload: CreateByCategoriesIn):
    drafts = [
        services.ItemDraft(item_type=item_type, exchange_type=exchange_type, **item.dict())
        for item_type, group in (("WANT", payload.wants), ("OFFER", payload.offers))
        for exchange_type in ("PERMANENT", "TEMPORARY")
        for item in getattr(group, exchange_type)
    ]
    listing, items = services.listing_create(user=request.auth, drafts=drafts)
    return Status(
        201,
        {
            "id": listing.pk,
            "user_id": listing.user_id,
            "created_at": listing.created_at,
            "listings": [created_out(item) for item in items],
        },
    )


@router.post("/create", response={201: SingleItemOut}, auth=auth_required)
def create_item(request: HttpRequest, payload: CreateItemIn):
    data = payload.dict()
    _, items = services.listing_create(user=request.auth, drafts=[services.ItemDraft(**data)])
    return Status(201, created_out(items[0]))


@router.get("/wants", response=list[ItemOut])
def wants(request: HttpRequest, response: HttpResponse, filters: Query[ItemFilters]):
    qs = selectors.item_list_public(item_type="WANT", **_filter_args(filters))
    return page_of_items(response, qs, filters, count=selectors.item_count_public)


@router.get("/offers", response=list[ItemOut])
def offers(request: HttpRequest, response: HttpResponse, filters: Query[ItemFilters]):
    qs = selectors.item_list_public(item_type="OFFER", **_filter_args(filters))
    return page_of_items(response, qs, filters, count=selectors.item_count_public)


def _filter_args(filters: ItemFilters) -> dict:
    return {
        "category": filters.category,
        "exchange_type": filters.exchange_type,
        "city": filters.city,
        "q": filters.q,
    }


@router.get("/user/{int:user_id}", response=list[ItemOut])
def user_items(request: HttpRequest, response: HttpResponse, user_id: int, page: Query[ItemPage]):
    from apps.accounts.selectors import user_get

    user_get(pk=user_id)  # 404 for an unknown user, not an empty list
    return page_of_items(response, selectors.item_list_public(user_id=user_id), page)


@router.get("/{int:item_id}", response=ItemOut)
def get_item(request: HttpRequest, item_id: int):
    return item_out(selectors.item_get(pk=item_id))


@router.put("/{int:item_id}", response=ItemOut, auth=auth_required)
def update_item(request: HttpRequest, item_id: int, payload: UpdateItemIn):
    item = selectors.item_get(pk=item_id)
    updated = services.item_update(
        item=item, user=request.auth, data=payload.dict(exclude_unset=True)
    )
    return item_out(selectors.item_get(pk=updated.pk))


@router.delete("/{int:item_id}", response=ItemOut, auth=auth_required)
def archive_item(request: HttpRequest, item_id: int):
    item = selectors.item_get(pk=item_id)
    services.item_archive(item=item, user=request.auth)
    return item_out(selectors.item_get(pk=item_id))
