"""Accounts web pages (the API's auth lives under /auth/ and /api/users/)."""

from django.contrib.auth import views as auth_views
from django.urls import path

from apps.accounts import views, views_password, views_security, views_verify

app_name = "accounts"

urlpatterns = [
    path("accounts/register/", views.register, name="register"),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", views.logout_view, name="logout"),
    path("accounts/profile/<str:username>/", views.profile, name="profile"),
    path("accounts/profile-edit/", views.profile_edit, name="profile_edit"),
    path("accounts/my-listings/", views.my_listings, name="my_listings"),
    path("accounts/login/2fa/", views_security.login_2fa, name="login_2fa"),
    path("accounts/security/", views_security.security, name="security"),
    path("accounts/security/2fa/begin/", views_security.totp_begin, name="totp_begin"),
    path("accounts/security/2fa/confirm/", views_security.totp_confirm, name="totp_confirm"),
    path("accounts/security/2fa/disable/", views_security.totp_disable, name="totp_disable"),
    path(
        "accounts/security/sessions/<str:kind>/<int:pk>/end/",
        views_security.session_end,
        name="session_end",
    ),
    path(
        "accounts/security/sessions/end-others/",
        views_security.sessions_end_others,
        name="sessions_end_others",
    ),
    path("accounts/delete/", views_security.account_delete, name="account_delete"),
    path("accounts/verify-email/send/", views_verify.verify_email_send, name="verify_email_send"),
    path("accounts/verify-email/<str:token>/", views_verify.verify_email, name="verify_email"),
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
