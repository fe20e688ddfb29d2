"""What the Telegram bot does, as plain synchronous functions (the handlers only adapt them).

Every action first finds the account linked to the Telegram user (`user_for_chat`); a chat that
is not linked gets an explanation and nothing is done. Buttons and replies call the same
services as the site, so a button pressed twice or after expiry gets the service's own answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _l

from apps.accounts.models import User
from apps.chat.selectors import conversation_get_for
from apps.chat.services import message_send
from apps.common.errors import DomainError
from apps.exchange.models import Proposal, ProposalStatus
from apps.exchange.proposal_selectors import proposal_get_for
from apps.exchange.proposals import proposal_accept, proposal_decline
from apps.notifications.channels.base import absolute
from apps.notifications.models import Channel, Delivery
from apps.notifications.services import notifications_mark_read_matching
from apps.notifications.telegram_link import (
    telegram_link_consume,
    telegram_unlink,
    user_for_chat,
)

# The bot's texts, in one table (gettext; the source strings are Russian).
TEXTS = {
    "not_linked": _l(
        "Этот чат не подключён к аккаунту. Откройте свой профиль на сайте и нажмите "
        "«Подключить Telegram»."
    ),
    "help": _l(
        "Я присылаю новые предложения обмена, события сделок, сообщения из чатов и споры.\n"
        "/proposals — предложения, которые ждут вашего ответа\n"
        "/stop — отключить уведомления в Telegram\n"
        "Чтобы ответить в чат, ответьте на моё сообщение о новом сообщении."
    ),
    "linked_as": _l("Вы подключены как %(name)s."),
    "linked_now": _l("Готово: аккаунт %(name)s подключён."),
    "stopped": _l(
        "Telegram отключён: я больше не буду присылать уведомления. "
        "Подключить снова можно в профиле на сайте."
    ),
    "not_linked_anyway": _l("Этот чат и так не подключён ни к одному аккаунту."),
    "stale_button": _l("Эта кнопка больше не работает"),
    "proposal_not_found": _l("Предложение не найдено"),
    "confirmed": _l("Все согласились: обмен подтверждён! Контакты партнёров — на сайте."),
    "accepted": _l("Вы приняли предложение. Ждём ответа остальных участников."),
    "declined": _l("Вы отказались от предложения. Мы подберём новое."),
    "bilateral": _l("Обмен №%(id)s"),
    "chain": _l("Цепочка из %(n)s участников, №%(id)s"),
    "you_give": _l("Вы отдаёте: %(item)s → %(to)s"),
    "you_get": _l("Вы получаете: %(item)s от %(frm)s"),
    "answer_by": _l("Ответить до %(when)s"),
    "nothing_waits": _l("Сейчас нет предложений, которые ждут вашего ответа."),
    "waiting": _l("Ждут вашего ответа: %(n)s"),
    "waiting_more": _l(" (показаны первые %(n)s; остальные — на сайте)"),
    "reply_how": _l(
        "Чтобы написать в чат, ответьте на моё сообщение о новом сообщении в этом чате."
    ),
    "reply_sent": _l("Отправлено в чат."),
}
NOT_LINKED = TEXTS["not_linked"]
HELP = TEXTS["help"]
BUTTON = re.compile(r"p([ad]):(\d{1,18})")
MAX_LISTED = 10


@dataclass(frozen=True)
class ButtonResult:
    answer: str  # the popup on the button press
    note: str | None = None  # appended to the message (its buttons are removed)


def start(*, telegram_id: int, username: str | None, first_name: str | None, token: str) -> str:
    if not token:
        user = user_for_chat(telegram_id)
        if user is not None:
            return f"{TEXTS['linked_as'] % {'name': user.username}}\n\n{HELP}"
        return str(NOT_LINKED)
    try:
        user = telegram_link_consume(
            token=token, telegram_id=telegram_id, username=username, first_name=first_name
        )
    except DomainError as exc:
        return exc.message
    return f"{TEXTS['linked_now'] % {'name': user.username}}\n\n{HELP}"


def stop(*, telegram_id: int) -> str:
    if telegram_unlink(telegram_id=telegram_id):
        return str(TEXTS["stopped"])
    return str(TEXTS["not_linked_anyway"])


def button(*, telegram_id: int, data: str) -> ButtonResult:
    """ "Принять" / "Отказаться" under a proposal: the site's accept / decline services."""
    user = user_for_chat(telegram_id)
    if user is None:
        return ButtonResult(str(NOT_LINKED))
    match = BUTTON.fullmatch(data or "")
    if match is None:
        return ButtonResult(str(TEXTS["stale_button"]))
    action, pk = match.group(1), int(match.group(2))
    try:
        proposal = proposal_get_for(user=user, pk=pk)
        if not proposal.participants.filter(user=user).exists():  # staff see all, act for none
            return ButtonResult(str(TEXTS["proposal_not_found"]))
        if action == "a":
            proposal_accept(proposal=proposal, user=user)
            status = Proposal.objects.values_list("status", flat=True).get(pk=pk)
            note = str(TEXTS["confirmed" if status == ProposalStatus.CONFIRMED else "accepted"])
        else:
            proposal_decline(proposal=proposal, user=user)
            note = str(TEXTS["declined"])
    except DomainError as exc:
        if exc.code == "proposal_not_found":
            return ButtonResult(exc.message)
        return ButtonResult(exc.message, note=exc.message)
    return ButtonResult(note, note=f"{note}\n{absolute(f'/exchange/proposals/{pk}/')}")


def _describe(proposal: Proposal, user: User) -> str:
    legs = list(proposal.legs.select_related("offer", "giver", "receiver"))
    give = next((leg for leg in legs if leg.giver_id == user.pk), None)
    get = next((leg for leg in legs if leg.receiver_id == user.pk), None)
    if len(legs) <= 2:
        lines = [TEXTS["bilateral"] % {"id": proposal.pk}]
    else:
        lines = [TEXTS["chain"] % {"n": len(legs), "id": proposal.pk}]
    if give is not None:
        lines.append(
            TEXTS["you_give"] % {"item": give.offer.item_name, "to": give.receiver.username}
        )
    if get is not None:
        lines.append(TEXTS["you_get"] % {"item": get.offer.item_name, "frm": get.giver.username})
    deadline = timezone.localtime(proposal.expires_at).strftime("%d.%m %H:%M")
    lines.append(TEXTS["answer_by"] % {"when": deadline})
    lines.append(absolute(f"/exchange/proposals/{proposal.pk}/"))
    return "\n".join(lines)


def pending_proposals(*, telegram_id: int) -> tuple[str, list[tuple[int, str]]]:
    """`/proposals`: a heading and (proposal id, text) for each proposal awaiting the user."""
    user = user_for_chat(telegram_id)
    if user is None:
        return str(NOT_LINKED), []
    waiting = Proposal.objects.filter(
        status=ProposalStatus.PENDING,
        expires_at__gt=timezone.now(),
        participants__user=user,
        participants__accepted_at__isnull=True,
        participants__declined_at__isnull=True,
    ).order_by("expires_at", "pk")
    total = waiting.count()
    if not total:
        return str(TEXTS["nothing_waits"]), []
    heading = TEXTS["waiting"] % {"n": total}
    if total > MAX_LISTED:
        heading += TEXTS["waiting_more"] % {"n": MAX_LISTED}
    return heading, [(p.pk, _describe(p, user)) for p in waiting[:MAX_LISTED]]


def reply(*, telegram_id: int, reply_to_message_id: int, text: str) -> str:
    """A reply to the bot's "new message" notice goes into that conversation."""
    user = user_for_chat(telegram_id)
    if user is None:
        return str(NOT_LINKED)
    delivery = (
        Delivery.objects.filter(
            user=user,
            channel=Channel.TELEGRAM,
            chat_id=telegram_id,
            external_id=str(reply_to_message_id),
        )
        .select_related("notification")
        .first()
    )
    payload = delivery.notification.payload if delivery and delivery.notification else {}
    conversation_id = payload.get("conversation_id")
    if not conversation_id:
        return str(TEXTS["reply_how"])
    try:
        conversation = conversation_get_for(user=user, pk=int(conversation_id))
        message_send(conversation=conversation, sender=user, content=text)
    except DomainError as exc:
        return exc.message
    notifications_mark_read_matching(
        user=user, type="new_message", conversation_id=int(conversation_id)
    )
    return str(TEXTS["reply_sent"])
