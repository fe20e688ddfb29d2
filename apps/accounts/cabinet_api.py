"""User Cabinet endpoints (`/user/...`): the signed-in user's own data."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from apps.accounts import services
from apps.accounts.schemas import MessageOut, ProfileIn, ProfileUpdatedOut
from apps.accounts.security import auth_required
from apps.exchange import proposal_selectors
from apps.exchange import selectors as exchange_selectors
from apps.exchange.api import ItemPage, ProposalPage, page_of_items
from apps.exchange.schemas import ItemOut

router = Router(tags=["User Cabinet"], auth=auth_required)


@router.get("/cabinet")
def cabinet(request: HttpRequest):
    user = request.auth
    items = exchange_selectors.items_of_user(user_id=user.pk)[:100]
    return {
        "user_profile": {
            "id": user.pk,
            "username": user.username,
            "full_name": user.full_name,
            "city": user.city,
            "locations": user.locations,
            "trust_score": round(user.trust_score, 3),
            "exchange_count": user.exchange_count,
            "rating_avg": user.rating_avg,
        },
        "my_listings": [
            {
                "id": item.pk,
                "title": item.item_name,
                "item_type": item.item_type,
                "exchange_type": item.exchange_type,
                "category": item.category.slug if item.category else None,
                "value_tenge": item.value_tenge,
                "status": item.status,
            }
            for item in items
        ],
        "active_exchanges": proposal_selectors.active_exchanges_for_cabinet(user=user),
    }


@router.get("/listings", response=list[ItemOut])
def my_listings(
    request: HttpRequest,
    response: HttpResponse,
    page: Query[ItemPage],
    include_archived: bool = False,
):
    qs = exchange_selectors.items_of_user(
        user_id=request.auth.pk, include_archived=include_archived
    )
    return page_of_items(response, qs, page)


@router.get("/exchanges")
def my_exchanges(request: HttpRequest, response: HttpResponse, page: Query[ProposalPage]):
    rows, total = proposal_selectors.exchanges_for_user(user=request.auth, page=page)
    response["X-Total-Count"] = str(total)
    return rows


@router.put("/profile", response=ProfileUpdatedOut)
def update_profile(request: HttpRequest, payload: ProfileIn):
    user = services.user_update_profile(user=request.auth, data=payload.dict(exclude_unset=True))
    return {"message": "Profile updated successfully", "user": user}


@router.delete("/account", response=MessageOut)
def delete_account(request: HttpRequest, response: HttpResponse):
    services.user_delete_account(user=request.auth)
    response.delete_cookie("refresh_token", path="/auth/")
    return {"message": "Account deleted successfully"}
