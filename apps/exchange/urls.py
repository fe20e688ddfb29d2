from django.urls import path

from apps.exchange import views, views_items, views_proposals, views_wantlists

app_name = "exchange"

urlpatterns = [
    path("exchange/", views.dashboard, name="dashboard"),
    path("exchange/items/new/", views.item_create, name="item_create"),
    # uibarter (issue 20): an item's own page, its photos and "Предложить обмен"
    path("exchange/items/<int:pk>/", views_items.item_detail, name="item_detail"),
    path("exchange/items/<int:pk>/propose/", views_items.item_propose, name="item_propose"),
    path("exchange/items/<int:pk>/photos/", views_items.item_photo_add, name="item_photo_add"),
    path(
        "exchange/items/<int:pk>/photos/<int:photo_id>/delete/",
        views_items.item_photo_delete,
        name="item_photo_delete",
    ),
    path("exchange/items/<int:pk>/condition/", views_items.item_condition, name="item_condition"),
    path("exchange/items/<int:pk>/edit/", views.item_edit, name="item_edit"),
    path("exchange/items/<int:pk>/archive/", views.item_archive, name="item_archive"),
    path(
        "exchange/wants/<int:pk>/candidates/",
        views_wantlists.want_candidates,
        name="want_candidates",
    ),
    path(
        "exchange/wants/<int:pk>/candidates/<int:offer_id>/mark/",
        views_wantlists.want_mark,
        name="want_mark",
    ),
    path("exchange/browse/<str:kind>/", views.browse, name="browse"),
    path("exchange/locations/", views.locations, name="locations"),
    path("exchange/proposals/", views_proposals.proposal_list, name="proposals"),
    path(
        "exchange/proposals/discover/", views_proposals.proposal_discover, name="proposal_discover"
    ),
    path("exchange/proposals/<int:pk>/", views_proposals.proposal_detail, name="proposal_detail"),
    path(
        "exchange/proposals/<int:pk>/accept/",
        views_proposals.proposal_accept,
        name="proposal_accept",
    ),
    path(
        "exchange/proposals/<int:pk>/decline/",
        views_proposals.proposal_decline,
        name="proposal_decline",
    ),
    path(
        "exchange/proposals/<int:pk>/confirm-receipt/",
        views_proposals.proposal_confirm_receipt,
        name="proposal_confirm_receipt",
    ),
    path("exchange/proposals/<int:pk>/rate/", views_proposals.proposal_rate, name="proposal_rate"),
    path(
        "exchange/proposals/<int:pk>/withdraw/",
        views_proposals.proposal_withdraw,
        name="proposal_withdraw",
    ),
]
