"""Disputes, reports and the moderators' pages."""

from django.urls import path

from apps.moderation import views_disputes

app_name = "moderation"

urlpatterns = [
    path(
        "transactions/purchase-request/<int:pk>/dispute/",
        views_disputes.dispute_open_deal,
        name="dispute_open_deal",
    ),
    path(
        "exchange/proposals/<int:pk>/dispute/",
        views_disputes.dispute_open_proposal,
        name="dispute_open_proposal",
    ),
    path("disputes/<int:pk>/", views_disputes.dispute_detail, name="dispute_detail"),
    path("disputes/<int:pk>/message/", views_disputes.dispute_message, name="dispute_message"),
    path("disputes/<int:pk>/decide/", views_disputes.dispute_decide, name="dispute_decide"),
]
