"""What the Telegram bot does, as plain synchronous functions (the handlers only adapt them).

Every action first finds the account linked to the Telegram user (`user_for_chat`); a chat that
is not linked gets an explanation and nothing is done. Buttons and replies call the same
services as the site, so a button pressed twice or after expiry gets the service's own answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils import timezone

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

NOT_LINKED = (
    "Этот чат не подключён к аккаунту. Откройте свой профиль на сайте и нажмите "
    "«Подключить Telegram»."
)
HELP = (
    "Я присылаю новые предложения обмена, события сделок, сообщения из чатов и споры.\n"
    "/proposals — предложения, которые ждут вашего ответа\n"
    "/stop — отключить уведомления в Telegram\n"
    "Чтобы ответить в чат, ответьте на моё сообщение о новом сообщении."
)
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
            return f"Вы подключены как {user.username}.\n\n{HELP}"
        return NOT_LINKED
    try:
        user = telegram_link_consume(
            token=token, telegram_id=telegram_id, username=username, first_name=first_name
        )
    except DomainError as exc:
        return exc.message
    return f"Готово: аккаунт {user.username} подключён.\n\n{HELP}"


def stop(*, telegram_id: int) -> str:
    if telegram_unlink(telegram_id=telegram_id):
        return "Telegram отключён: я больше не буду присылать уведомления. Подключить снова можно в профиле на сайте."
    return "Этот чат и так не подключён ни к одному аккаунту."


def button(*, telegram_id: int, data: str) -> ButtonResult:
    """ "Принять" / "Отказаться" under a proposal: the site's accept / decline services."""
    user = user_for_chat(telegram_id)
    if user is None:
        return ButtonResult(NOT_LINKED)
    match = BUTTON.fullmatch(data or "")
    if match is None:
        return ButtonResult("Эта кнопка больше не работает")
    action, pk = match.group(1), int(match.group(2))
    try:
        proposal = proposal_get_for(user=user, pk=pk)
        if not proposal.participants.filter(user=user).exists():  # staff see all, act for none
            return ButtonResult("Предложение не найдено")
        if action == "a":
            proposal_accept(proposal=proposal, user=user)
            status = Proposal.objects.values_list("status", flat=True).get(pk=pk)
            note = (
                "Все согласились: обмен подтверждён! Контакты партнёров — на сайте."
                if status == ProposalStatus.CONFIRMED
                else "Вы приняли предложение. Ждём ответа остальных участников."
            )
        else:
            proposal_decline(proposal=proposal, user=user)
            note = "Вы отказались от предложения. Мы подберём новое."
    except DomainError as exc:
        if exc.code == "proposal_not_found":
            return ButtonResult(exc.message)
        return ButtonResult(exc.message, note=exc.message)
    return ButtonResult(note, note=f"{note}\n{absolute(f'/exchange/proposals/{pk}/')}")


def _describe(proposal: Proposal, user: User) -> str:
    legs = list(proposal.legs.select_related("offer", "giver", "receiver"))
    give = next((leg for leg in legs if leg.giver_id == user.pk), None)
    get = next((leg for leg in legs if leg.receiver_id == user.pk), None)
    kind = "Обмен" if len(legs) <= 2 else f"Цепочка из {len(legs)} участников"
    lines = [f"{kind} №{proposal.pk}"]
    if give is not None:
        lines.append(f"Вы отдаёте: {give.offer.item_name} → {give.receiver.username}")
    if get is not None:
        lines.append(f"Вы получаете: {get.offer.item_name} от {get.giver.username}")
    deadline = timezone.localtime(proposal.expires_at).strftime("%d.%m %H:%M")
    lines.append(f"Ответить до {deadline}")
    lines.append(absolute(f"/exchange/proposals/{proposal.pk}/"))
    return "\n".join(lines)


def pending_proposals(*, telegram_id: int) -> tuple[str, list[tuple[int, str]]]:
    """`/proposals`: a heading and (proposal id, text) for each proposal awaiting the user."""
    user = user_for_chat(telegram_id)
    if user is None:
        return NOT_LINKED, []
    waiting = Proposal.objects.filter(
        status=ProposalStatus.PENDING,
        expires_at__gt=timezone.now(),
        participants__user=user,
        participants__accepted_at__isnull=True,
        participants__declined_at__isnull=True,
    ).order_by("expires_at", "pk")
    total = waiting.count()
    if not total:
        return "Сейчас нет предложений, которые ждут вашего ответа.", []
    heading = f"Ждут вашего ответа: {total}"
    if total > MAX_LISTED:
        heading += f" (показаны первые {MAX_LISTED}; остальные — на сайте)"
    return heading, [(p.pk, _describe(p, user)) for p in waiting[:MAX_LISTED]]


def reply(*, telegram_id: int, reply_to_message_id: int, text: str) -> str:
    """A reply to the bot's "new message" notice goes into that conversation."""
    user = user_for_chat(telegram_id)
    if user is None:
        return NOT_LINKED
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
        return "Чтобы написать в чат, ответьте на моё сообщение о новом сообщении в этом чате."
    try:
        conversation = conversation_get_for(user=user, pk=int(conversation_id))
        message_send(conversation=conversation, sender=user, content=text)
    except DomainError as exc:
        return exc.message
    notifications_mark_read_matching(
        user=user, type="new_message", conversation_id=int(conversation_id)
    )
    return "Отправлено в чат."
