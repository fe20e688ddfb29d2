"""LootLink listing and deal pages. `/` itself is served by config/api.py (browsers → home)."""

from django.urls import path

from apps.market.views import deals, listings, watch

app_name = "market"

urlpatterns = [
    path("games/", listings.game_list, name="game_list"),
    path("game/<slug:slug>/", listings.game_detail, name="game_detail"),
    path("listing/create/", listings.listing_create, name="listing_create"),
    path("listing/sections/", listings.game_sections, name="game_sections"),
    path("listing/<int:pk>/", listings.listing_detail, name="listing_detail"),
    path("listing/<int:pk>/edit/", listings.listing_edit, name="listing_edit"),
    path("listing/<int:pk>/delete/", listings.listing_delete, name="listing_delete"),
    # favourites and saved searches (issue 20)
    path("listing/<int:pk>/favourite/", watch.favourite_add, name="favourite_add"),
    path("listing/<int:pk>/unfavourite/", watch.favourite_remove, name="favourite_remove"),
    path("favourites/", watch.favourite_list, name="favourite_list"),
    path("searches/", watch.saved_search_list, name="saved_search_list"),
    path("searches/save/", watch.saved_search_create, name="saved_search_create"),
    path("searches/<int:pk>/delete/", watch.saved_search_delete, name="saved_search_delete"),
    path(
        "transactions/purchase-request/<int:listing_id>/create/",
        deals.deal_create,
        name="deal_create",
    ),
    path("transactions/purchase-request/<int:pk>/", deals.deal_detail, name="deal_detail"),
    path(
        "transactions/purchase-request/<int:pk>/accept/",
        deals.deal_action,
        {"action": "accept"},
        name="deal_accept",
    ),
    path(
        "transactions/purchase-request/<int:pk>/reject/",
        deals.deal_action,
        {"action": "reject"},
        name="deal_reject",
    ),
    path(
        "transactions/purchase-request/<int:pk>/complete/",
        deals.deal_action,
        {"action": "complete"},
        name="deal_complete",
    ),
    path(
        "transactions/purchase-request/<int:pk>/cancel/",
        deals.deal_action,
        {"action": "cancel"},
        name="deal_cancel",
    ),
    path(
        "transactions/purchase-request/<int:pk>/confirm/",
        deals.deal_action,
        {"action": "confirm"},
        name="deal_confirm",
    ),
    path("transactions/purchase-request/<int:pk>/chat/", deals.deal_chat, name="deal_chat"),
    path(
        "transactions/review/<int:purchase_request_id>/create/",
        deals.review_create,
        name="review_create",
    ),
]
