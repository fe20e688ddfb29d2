"""Accounts web pages: register, log in (throttled), log out, profiles, the cabinet."""

from __future__ import annotations

import time
from contextlib import suppress

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from apps.accounts import throttles
from apps.accounts.forms import LoginForm, ProfileForm, RegisterForm
from apps.accounts.models import User, UserBlock
from apps.accounts.twofactor import PENDING_2FA, totp_enabled
from apps.accounts.verification import email_verification_send
from apps.common.errors import DomainError, RateLimited
from apps.exchange.proposal_selectors import exchange_rating_summary
from apps.market import selectors as market
from apps.market.models import ListingStatus
from apps.market.web import paginate

BACKEND = "apps.accounts.backends.UsernameOrEmailBackend"


def _next_url(request: HttpRequest, default: str = "/") -> str:
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return default


@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("/")
    form = RegisterForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        try:
            throttles.signup_check(request, request.POST.get("email"), scope="auth_register")
        except RateLimited as exc:
            form = RegisterForm(initial={"username": request.POST.get("username", "")})
            context = {"form": form, "throttle_error": exc.message}
            response = render(request, "registration/register.html", context, status=429)
            response["Retry-After"] = str(exc.retry_after)
            return response
        if form.is_valid():
            user = form.save()
            login(request, user, backend=BACKEND)
            # no address or throttled: the profile page offers to send it again
            with suppress(DomainError):
                email_verification_send(user=user, base_url=request.build_absolute_uri("/"))
            messages.success(
                request, _("Добро пожаловать в LootLink, %(name)s!") % {"name": user.username}
            )
            return redirect(_next_url(request))
        return render(request, "registration/register.html", {"form": form}, status=400)
    return render(request, "registration/register.html", {"form": form})


class LoginView(auth_views.LoginView):
    """Django's login, throttled like the API's (apps/accounts/throttles.py)."""

    form_class = LoginForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        """Password right: log in, or with 2FA on, ask for the code first (views_security)."""
        user = form.get_user()
        if totp_enabled(user):
            self.request.session[PENDING_2FA] = {
                "uid": user.pk,
                "at": int(time.time()),
                "next": self.get_success_url(),
            }
            return redirect("accounts:login_2fa")
        response = super().form_valid(form)
        if user.is_staff:
            # Staff must have 2FA: the session works for the rest of the site, but staff pages
            # and the admin refuse it until 2FA is on (a set-up marks the session as passed).
            messages.warning(
                self.request,
                _("Сотрудникам нужна двухфакторная аутентификация: включите её, чтобы продолжить"),
            )
            return redirect("accounts:security")
        return response

    def post(self, request, *args, **kwargs):
        try:
            account = throttles.login_check(
                request, request.POST.get("username") or "", scope="web_login"
            )
        except RateLimited as exc:
            # Render without validating: a throttled attempt must not even check the password.
            form = self.form_class(request, initial={"username": request.POST.get("username", "")})
            context = self.get_context_data(form=form)
            context["throttle_error"] = exc.message
            response = self.render_to_response(context, status=429)
            response["Retry-After"] = str(exc.retry_after)
            return response
        response = super().post(request, *args, **kwargs)
        if response.status_code == 200:  # the form came back with errors
            throttles.login_failed(account)
            response.status_code = 400
        return response


@require_http_methods(["GET", "POST"])
def logout_view(request: HttpRequest) -> HttpResponse:
    """GET asks for confirmation (the contract's GET); POST logs out."""
    if request.method == "POST":
        logout(request)
        messages.info(request, _("Вы вышли из аккаунта"))
        return redirect("/")
    if not request.user.is_authenticated:
        return redirect("/")
    return render(request, "registration/logout_confirm.html")


@require_GET
def profile(request: HttpRequest, username: str) -> HttpResponse:
    person = get_object_or_404(User, username=username, is_active=True)
    reviews = paginate(request, market.review_list_received(user=person), per_page=10)
    listings = market.seller_listing_list(user=person, status=ListingStatus.ACTIVE)[:8]
    # Ratings by face (issue 20): LootLink reviews and FreeMarket exchange ratings apart.
    review_avg, review_count = market.review_summary(user=person)
    barter_avg, barter_count = exchange_rating_summary(user_id=person.pk)
    return render(
        request,
        "accounts/profile.html",
        {
            "person": person,
            "reviews": reviews,
            "listings": listings,
            "review_avg": review_avg,
            "review_count": review_count,
            "barter_avg": barter_avg,
            "barter_count": barter_count,
            "is_me": request.user.is_authenticated and request.user.pk == person.pk,
            "blocked_by_me": request.user.is_authenticated
            and UserBlock.objects.filter(blocker=request.user, blocked=person).exists(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(
        request.POST if request.method == "POST" else None,
        request.FILES or None,
        instance=request.user,
    )
    if request.method == "POST":
        if form.is_valid():
            form.save()
            messages.success(request, _("Профиль сохранён"))
            return redirect("accounts:profile", username=request.user.username)
        return render(request, "accounts/profile_edit.html", {"form": form}, status=400)
    return render(request, "accounts/profile_edit.html", {"form": form})


@login_required
@require_GET
def my_listings(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status") or ""
    listings = market.seller_listing_list(user=request.user, status=status)
    return render(
        request,
        "accounts/my_listings.html",
        {
            "page": paginate(request, listings),
            "status": status,
            "statuses": ListingStatus.choices,
        },
    )


@login_required
@require_GET
def my_purchases(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "accounts/my_deals.html",
        {
            "page": paginate(request, market.purchase_list(user=request.user), per_page=20),
            "mode": "purchases",
        },
    )


@login_required
@require_GET
def my_sales(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "accounts/my_deals.html",
        {
            "page": paginate(request, market.sale_list(user=request.user), per_page=20),
            "mode": "sales",
        },
    )
