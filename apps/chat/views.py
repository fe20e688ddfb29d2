"""Chat pages: the conversation list, a conversation (with live polling), starting a chat."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from apps.chat import selectors, services
from apps.chat.models import Conversation, Message
from apps.common.errors import DomainError, NotFound
from apps.market.selectors import listing_get
from apps.market.web import error_page, paginate


def _iso(value) -> str:
    return value.isoformat().replace("+00:00", "Z")


def _message_json(message: Message, me) -> dict:
    return {
        "id": message.pk,
        "sender_id": message.sender_id,
        "sender": message.sender.username,
        "content": message.content,
        "created_at": _iso(message.created_at),
        "is_read": message.is_read,
        "is_mine": message.sender_id == me.pk,
        "image_url": reverse("chat:attachment", args=[message.pk]) if message.image else "",
    }


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@login_required
@require_GET
def conversation_list(request: HttpRequest) -> HttpResponse:
    rows = selectors.conversation_list_for(user=request.user)
    page = paginate(request, rows, per_page=30)
    for row in page.object_list:
        row.others = selectors.other_participants(conversation=row.conversation, user=request.user)
    return render(request, "chat/list.html", {"page": page})


def _gate(request: HttpRequest, pk: int) -> Conversation:
    try:
        return selectors.conversation_get_for(user=request.user, pk=pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc


@login_required
@require_http_methods(["GET", "POST"])
def conversation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: history and the form (marks it read). POST `content`: send a message."""
    conversation = _gate(request, pk)
    error = None
    if request.method == "POST":
        try:
            message = services.message_send(
                conversation=conversation,
                sender=request.user,
                content=request.POST.get("content", ""),
                image=request.FILES.get("image"),
            )
        except DomainError as exc:
            if _wants_json(request):
                return JsonResponse({"detail": exc.message}, status=exc.status_code)
            error = exc.message
        else:
            if _wants_json(request):
                return JsonResponse({"message": _message_json(message, request.user)}, status=201)
            return redirect(conversation)
    history = selectors.message_list(conversation=conversation)
    services.conversation_mark_read(conversation=conversation, user=request.user)
    return render(
        request,
        "chat/conversation.html",
        {
            "conversation": conversation,
            "chat_messages": history,
            "others": selectors.other_participants(conversation=conversation, user=request.user),
            "last_id": history[-1].pk if history else 0,
            "error": error,
            "draft": request.POST.get("content", "") if error else "",
        },
        status=400 if error else 200,
    )


@login_required
@require_GET
def conversation_messages(request: HttpRequest, pk: int) -> JsonResponse:
    """Polling: messages after `?after=<id>` as JSON; fetching them marks them read."""
    try:
        conversation = selectors.conversation_get_for(user=request.user, pk=pk)
    except NotFound:
        return JsonResponse({"detail": _("Беседа не найдена")}, status=404)
    try:
        after = max(int(request.GET.get("after", "0")), 0)
    except ValueError:
        return JsonResponse({"detail": _("Параметр after должен быть числом")}, status=400)
    fresh = selectors.message_list(conversation=conversation, after_id=after)
    if fresh:
        services.conversation_mark_read(
            conversation=conversation, user=request.user, up_to=fresh[-1]
        )
    # My own messages' read marks change too: report the newest of mine the others have read.
    read_up_to = (
        conversation.messages.filter(sender=request.user, is_read=True)
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
    )
    return JsonResponse(
        {
            "messages": [_message_json(m, request.user) for m in fresh],
            "last_id": fresh[-1].pk if fresh else after,
            "read_up_to": read_up_to or 0,
        }
    )


@login_required
@require_GET
def conversation_start(request: HttpRequest, listing_id: int) -> HttpResponse:
    """The contract's GET: open the buyer's chat about a listing, creating it on first use.

    Creating an empty conversation is idempotent (one per listing and buyer, by a unique key)
    and sends nothing to anyone; the seller sees it once the first message arrives.
    """
    try:
        listing = listing_get(pk=listing_id)
        conversation = services.conversation_start_for_listing(listing=listing, buyer=request.user)
    except DomainError as exc:
        return error_page(request, exc)
    return redirect(conversation)


@login_required
@require_GET
def message_attachment(request: HttpRequest, pk: int) -> FileResponse:
    """A chat picture, for the conversation's participants only (others: 404)."""
    message = Message.objects.filter(pk=pk).exclude(image="").first()
    if message is None:
        raise Http404(_("Вложение не найдено"))
    _gate(request, message.conversation_id)  # the participant check: outsiders get 404
    response = FileResponse(message.image.open("rb"))
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response
