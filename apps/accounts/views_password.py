"""Password pages: change (signed in), reset by email (throttled), set after reset.

A changed or reset password ends every other session of the user (JWT families and web
sessions, `services.sessions_end_all`); the page's own session stays signed in after a change.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.urls import reverse_lazy
from django.utils.translation import gettext as _

from apps.accounts import services, throttles
from apps.accounts.web_sessions import web_session_record
from apps.common.errors import RateLimited


class PasswordResetView(auth_views.PasswordResetView):
    """Reset mails are limited per address and per target email (known or not)."""

    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def post(self, request, *args, **kwargs):
        try:
            throttles.password_reset_check(request, request.POST.get("email") or "")
        except RateLimited as exc:
            context = self.get_context_data(form=self.form_class())
            context["throttle_error"] = exc.message
            response = self.render_to_response(context, status=429)
            response["Retry-After"] = str(exc.retry_after)
            return response
        return super().post(request, *args, **kwargs)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        # Whoever knew the old password is signed out everywhere.
        services.sessions_end_all(user=form.user)
        return response


class PasswordChangeView(LoginRequiredMixin, auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile_edit")

    def form_valid(self, form):
        old_key = self.request.session.session_key
        response = super().form_valid(form)  # saves, then keeps this session (new key)
        new_key = self.request.session.session_key
        web_session_record(user=form.user, session_key=new_key, replaces=old_key)
        services.sessions_end_all(user=form.user, keep_session_key=new_key)
        messages.success(self.request, _("Пароль изменён. Остальные сеансы завершены."))
        return response
