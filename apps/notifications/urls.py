from django.urls import path

from apps.notifications import stream, views, views_settings

app_name = "notifications"

urlpatterns = [
    path("api/events/stream", stream.event_stream, name="stream"),
    path("notifications/", views.notification_list, name="list"),
    path("notifications/<int:pk>/open/", views.notification_open, name="open"),
    path("notifications/read-all/", views.notification_read_all, name="read_all"),
    path("notifications/settings/", views_settings.preferences_page, name="settings"),
    path("notifications/telegram/link/", views_settings.telegram_link_page, name="telegram_link"),
    path(
        "notifications/telegram/unlink/",
        views_settings.telegram_unlink_page,
        name="telegram_unlink",
    ),
    path(
        "notifications/unsubscribe/<str:token>/",
        views_settings.unsubscribe_page,
        name="unsubscribe",
    ),
]
