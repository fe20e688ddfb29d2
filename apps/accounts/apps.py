from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class AccountsConfig(AppConfig):
    name = "apps.accounts"
    label = "accounts"
    verbose_name = "Пользователи"

    def ready(self) -> None:
        from apps.accounts import checks, login_history, web_sessions  # noqa: F401  (checks, signal receivers)


class StaffAdminConfig(admin_apps.AdminConfig):
    """Replaces `django.contrib.admin` in INSTALLED_APPS: same app, a site that wants a
    2FA-passed staff session and logs in through the site's login (admin_site.py)."""

    default = False
    default_site = "apps.accounts.admin_site.StaffAdminSite"
