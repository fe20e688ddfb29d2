"""The Django admin behind the site's own login, with 2FA required for staff.

`/admin/login/` accepts no password: it sends a visitor to `accounts:login` (which asks a
staff account for its TOTP code, views_security.login_2fa) and a staff session that did not
pass 2FA to the set-up page. `has_permission` also wants the 2FA mark of the session
(`twofactor.SESSION_FLAG`), so a password alone never opens an admin page.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.admin import AdminSite
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from apps.accounts.twofactor import session_passed_2fa


class StaffAdminSite(AdminSite):
    def has_permission(self, request: HttpRequest) -> bool:
        return super().has_permission(request) and session_passed_2fa(request)

    def login(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        user = request.user
        if user.is_authenticated and user.is_active and user.is_staff:
            if self.has_permission(request):
                return redirect("admin:index")
            messages.error(
                request,
                _("Сотрудникам нужна двухфакторная аутентификация: включите её и войдите с кодом"),
            )
            return redirect("accounts:security")
        if user.is_authenticated:
            raise Http404  # not staff: the admin is not for them
        target = request.GET.get("next") or ""
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = reverse("admin:index")
        return redirect(f"{reverse('accounts:login')}?{urlencode({'next': target})}")
