"""Accounts web pages (the API's auth lives under /auth/ and /api/users/)."""

from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from apps.accounts import views, views_verify

app_name = "accounts"

urlpatterns = [
    path("accounts/register/", views.register, name="register"),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", views.logout_view, name="logout"),
    path("accounts/profile/<str:username>/", views.profile, name="profile"),
    path("accounts/profile-edit/", views.profile_edit, name="profile_edit"),
    path("accounts/my-listings/", views.my_listings, name="my_listings"),
    path(
        "accounts/verify-email/send/", views_verify.verify_email_send, name="verify_email_send"
    ),
    path("accounts/verify-email/<str:token>/", views_verify.verify_email, name="verify_email"),
    path("accounts/my-purchases/", views.my_purchases, name="my_purchases"),
    path("accounts/my-sales/", views.my_sales, name="my_sales"),
    path(
        "accounts/password-reset/",
        auth_views.PasswordResetView.as_view(
            email_template_name="registration/password_reset_email.txt",
            subject_template_name="registration/password_reset_subject.txt",
            success_url=reverse_lazy("accounts:password_reset_done"),
        ),
        name="password_reset",
    ),
    path(
        "accounts/password-reset/done/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            success_url=reverse_lazy("accounts:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
