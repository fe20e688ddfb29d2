"""Reporting ("Пожаловаться") and the moderators' pages: the queue, a report in context,
actions, the audit log. Staff pages answer 404 to everyone else."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.accounts.twofactor import session_passed_2fa
from apps.common.errors import DomainError
from apps.market.web import error_page
from apps.moderation import reports, selectors
from apps.moderation.forms import ReportActionForm, ReportFilterForm, ReportForm
from apps.moderation.models import ReportStatus, ReportTarget


def staff_only(view):
    """Staff pages: 404 for everyone else; a staff session must have passed 2FA."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not request.user.is_staff:
            raise Http404
        if not session_passed_2fa(request):
            return to_2fa_setup(request)
        return view(request, *args, **kwargs)

    return wrapper


def to_2fa_setup(request: HttpRequest) -> HttpResponse:
    """Where staff without a 2FA-passed session are sent (staff pages, others' disputes)."""
    messages.error(
        request, _("Модераторам нужна двухфакторная аутентификация: включите её и войдите с кодом")
    )
    return redirect("accounts:security")


def _safe_next(request: HttpRequest, value: str) -> str:
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return "/"


@login_required
@require_http_methods(["GET", "POST"])
def report_create(request: HttpRequest, target_type: str, target_id: int) -> HttpResponse:
    if target_type not in ReportTarget.values:
        raise Http404
    data = request.POST if request.method == "POST" else None
    accused = request.GET.get("accused") or request.POST.get("accused")
    accused_id = int(accused) if accused and str(accused).isdigit() else None
    try:
        target = reports.report_target_get(
            user=request.user, target_type=target_type, target_id=target_id, accused_id=accused_id
        )
    except DomainError as exc:
        return error_page(request, exc)
    initial = {"accused": accused_id, "next": request.GET.get("next", target.url)}
    form = ReportForm(data, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                reports.report_create(
                    reporter=request.user,
                    target_type=target_type,
                    target_id=target_id,
                    reason=form.cleaned_data["reason"],
                    comment=form.cleaned_data["comment"],
                    accused_id=accused_id,
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
                status = exc.status_code
            else:
                messages.success(request, _("Жалоба отправлена модераторам. Спасибо!"))
                return redirect(_safe_next(request, form.cleaned_data["next"] or target.url))
        else:
            status = 400
    return render(
        request,
        "moderation/report_form.html",
        {"form": form, "target": target, "kind": ReportTarget(target_type).label},
        status=status,
    )


@staff_only
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    params = request.GET.copy()
    params.setdefault("status", ReportStatus.OPEN)
    form = ReportFilterForm(params)
    filters = form.cleaned_data if form.is_valid() else {"status": ReportStatus.OPEN}
    page = Paginator(reports.report_queue(**filters), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "moderation/queue.html",
        {"form": form, "page": page, "disputes": selectors.dispute_queue()[:50]},
    )


def _report_page(request, report, form, status=200) -> HttpResponse:
    return render(
        request,
        "moderation/report_detail.html",
        {"report": report, "form": form, **selectors.report_context(report)},
        status=status,
    )


@staff_only
@require_GET
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        report = reports.report_get_for_staff(user=request.user, pk=pk)
    except DomainError as exc:
        return error_page(request, exc)
    return _report_page(request, report, ReportActionForm())


@staff_only
@require_POST
def report_act(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        report = reports.report_get_for_staff(user=request.user, pk=pk)
    except DomainError as exc:
        return error_page(request, exc)
    form = ReportActionForm(request.POST)
    if not form.is_valid():
        return _report_page(request, report, form, status=400)
    try:
        reports.report_handle(report=report, staff=request.user, **form.cleaned_data)
    except DomainError as exc:
        form.add_error(None, exc.message)
        return _report_page(request, report, form, status=exc.status_code)
    messages.success(request, _("Решение записано в журнал"))
    return redirect("moderation:queue")


@staff_only
@require_GET
def audit(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.audit_list(), 50).get_page(request.GET.get("page"))
    return render(request, "moderation/audit.html", {"page": page})
