"""Accounts web pages (the API's auth lives under /auth/ and /api/users/)."""

from django.contrib.auth import views as auth_views
from django.urls import path

from apps.accounts import views, views_password

app_name = "accounts"

urlpatterns = [
    path("accounts/register/", views.register, name="register"),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", views.logout_view, name="logout"),
    path("accounts/profile/<str:username>/", views.profile, name="profile"),
    path("accounts/profile-edit/", views.profile_edit, name="profile_edit"),
    path("accounts/my-listings/", views.my_listings, name="my_listings"),
    path("accounts/my-purchases/", views.my_purchases, name="my_purchases"),
    path("accounts/my-sales/", views.my_sales, name="my_sales"),
    path(
        "accounts/password-reset/",
        views_password.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "accounts/password-change/",
        views_password.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password-reset/done/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        views_password.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
