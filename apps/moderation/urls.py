"""Disputes, reports and the moderators' pages."""

from django.urls import path

from apps.moderation import views_blocks, views_disputes, views_export, views_staff

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

urlpatterns += [
    path(
        "report/<str:target_type>/<int:target_id>/",
        views_staff.report_create,
        name="report_create",
    ),
    path("moderation/", views_staff.queue, name="queue"),
    path("moderation/reports/<int:pk>/", views_staff.report_detail, name="report_detail"),
    path("moderation/reports/<int:pk>/act/", views_staff.report_act, name="report_act"),
    path("moderation/audit/", views_staff.audit, name="audit"),
]

urlpatterns += [
    path("accounts/blocked/", views_blocks.blocked_list, name="blocked"),
    path("accounts/block/<int:user_id>/", views_blocks.block, name="block"),
    path("accounts/unblock/<int:user_id>/", views_blocks.unblock, name="unblock"),
]

urlpatterns += [path("accounts/export/", views_export.data_export, name="data_export")]
