from django.urls import path

from apps.chat import views

app_name = "chat"

urlpatterns = [
    path("chat/", views.conversation_list, name="list"),
    path("chat/conversation/<int:pk>/", views.conversation_detail, name="conversation"),
    path("chat/conversation/<int:pk>/messages/", views.conversation_messages, name="messages"),
    path("chat/start/<int:listing_id>/", views.conversation_start, name="start"),
    path("chat/attachment/<int:pk>/", views.message_attachment, name="attachment"),
]
