"""The life of a proposal (a bilateral match or an exchange chain), from pending to completed.

Every service locks the proposal row (`select_for_update`) and then moves it with a conditional
update (`filter(status=<from>).update(status=<to>)`), so concurrent accepts and declines are
serialised: the outcome is the one of some order of them. Allowed moves are this table:

    action           from        to (others still to act)   to (the last one acts)
    accept           pending     pending                    confirmed
    decline          pending     declined                   declined
    expire           pending     expired                    expired
    cancel           pending     cancelled                  cancelled
    cancel           confirmed   cancelled                  cancelled   (account deleted only)
    confirm_receipt  confirmed   confirmed                  completed
    rate             completed   completed                  completed

Open proposals (pending, confirmed) hold their items through `ProposalItemLock` rows; every
move out of them deletes those rows. Each participant answers once (accept or decline) and
confirms receipt once; doing it again is a 409.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from apps.accounts.models import User
from apps.common.errors import Conflict, InvalidState, NotFound, PermissionDenied, ValidationFailed
from apps.exchange import proposal_messages as messages
from apps.exchange import rematch
from apps.exchange.models import (
    DeclinedPair,
    ItemStatus,
    ListingItem,
    Proposal,
    ProposalItemLock,
    ProposalParticipant,
    ProposalRating,
)
from apps.exchange.models import ProposalStatus as S
from apps.exchange.trust import user_trust_recompute

TRANSITIONS: dict[str, dict[str, tuple[str, str]]] = {
    # action: {from: (to while others still have to act, to when the last one acts)}
    "accept": {S.PENDING: (S.PENDING, S.CONFIRMED)},
    "decline": {S.PENDING: (S.DECLINED, S.DECLINED)},
    "expire": {S.PENDING: (S.EXPIRED, S.EXPIRED)},
    "cancel": {S.PENDING: (S.CANCELLED, S.CANCELLED), S.CONFIRMED: (S.CANCELLED, S.CANCELLED)},
    "confirm_receipt": {S.CONFIRMED: (S.CONFIRMED, S.COMPLETED)},
    "rate": {S.COMPLETED: (S.COMPLETED, S.COMPLETED)},
}

STATE_MESSAGES = {
    S.PENDING: "Предложение ещё ожидает ответов участников",
    S.CONFIRMED: "Обмен уже подтверждён всеми участниками",
    S.COMPLETED: "Обмен уже завершён",
    S.DECLINED: "Предложение отклонено одним из участников",
    S.EXPIRED: "Срок ответа на предложение истёк",
    S.CANCELLED: "Предложение отменено: одна из позиций изменилась",
}


def _next_status(proposal: Proposal, action: str, *, last: bool) -> str:
    allowed = TRANSITIONS[action]
    if proposal.status not in allowed:
        raise InvalidState(STATE_MESSAGES[proposal.status], code=f"proposal_{proposal.status}")
    return allowed[proposal.status][1 if last else 0]


def _move(proposal: Proposal, to: str, **fields) -> None:
    """Conditional update from the status we locked; a lost race rolls the transaction back."""
    changed = Proposal.objects.filter(pk=proposal.pk, status=proposal.status).update(
        status=to, **fields
    )
    if changed != 1:
        raise InvalidState("Предложение изменилось, повторите попытку", code="proposal_changed")
    proposal.status = to
    for name, value in fields.items():
        setattr(proposal, name, value)


def _lock(pk: int) -> Proposal:
    proposal = Proposal.objects.select_for_update().filter(pk=pk).first()
    if proposal is None:
        raise NotFound("Предложение не найдено", code="proposal_not_found")
    return proposal


def _participant(proposal: Proposal, user: User) -> ProposalParticipant:
    participant = proposal.participants.filter(user=user).first()
    if participant is None:  # outsiders learn nothing about the proposal
        raise NotFound("Предложение не найдено", code="proposal_not_found")
    return participant


def _release(proposal: Proposal) -> None:
    ProposalItemLock.objects.filter(proposal=proposal).delete()


def _is_due(proposal: Proposal) -> bool:
    return proposal.status == S.PENDING and proposal.expires_at <= timezone.now()


def _rematch_later(user_ids: list[int]) -> None:
    """The users whose items were freed are re-matched soon by one coalesced run."""
    rematch.rematch_later(user_ids)


def proposal_actor(*, user: User, user_id: int | None) -> User:
    """Whom a request acts for: the caller, or (staff only) the user named in the body."""
    if user_id is None or user_id == user.pk:
        return user
    if not user.is_staff:
        raise PermissionDenied("Можно действовать только от своего имени", code="not_self")
    target = User.objects.filter(pk=user_id, is_active=True).first()
    if target is None:
        raise NotFound("Пользователь не найден", code="user_not_found")
    return target


def _expire(proposal: Proposal) -> None:
    _next_status(proposal, "expire", last=True)
    _move(proposal, S.EXPIRED, closed_at=timezone.now(), close_reason="expired")
    _release(proposal)
    messages.proposal_expired(proposal)
    _rematch_later(list(proposal.participants.values_list("user_id", flat=True)))


def _answer(proposal: Proposal, user: User, action: str, apply) -> Proposal:
    """Shared frame of accept and decline: lock, gate, lazy expiry, one answer each."""
    expired = False
    with transaction.atomic():
        locked = _lock(proposal.pk)
        participant = _participant(locked, user)
        if _is_due(locked):
            _expire(locked)
            expired = True
        else:
            remaining = (
                locked.participants.filter(accepted_at__isnull=True)
                .exclude(pk=participant.pk)
                .count()
            )
            to = _next_status(locked, action, last=remaining == 0)
            if participant.accepted_at or participant.declined_at:
                raise InvalidState("Вы уже ответили на это предложение", code="already_answered")
            apply(locked, participant, to)
    if expired:  # committed above: the proposal is expired for everyone
        raise InvalidState(STATE_MESSAGES[S.EXPIRED], code="proposal_expired")
    return locked


def _mark(participant: ProposalParticipant, **fields) -> None:
    changed = ProposalParticipant.objects.filter(
        pk=participant.pk, accepted_at__isnull=True, declined_at__isnull=True
    ).update(**fields)
    if changed != 1:
        raise InvalidState("Вы уже ответили на это предложение", code="already_answered")


def proposal_accept(*, proposal: Proposal, user: User) -> Proposal:
    """Accept for `user`; the last acceptance confirms the proposal (items stay reserved,
    contacts are revealed, a group chat is opened)."""

    def apply(locked: Proposal, participant: ProposalParticipant, to: str) -> None:
        now = timezone.now()
        _mark(participant, accepted_at=now)
        messages.proposal_accepted(locked, by=user)
        if to == S.CONFIRMED:
            _move(locked, S.CONFIRMED, confirmed_at=now)
            messages.proposal_confirmed(locked)
            transaction.on_commit(lambda: _open_chat_later(locked.pk))

    return _answer(proposal, user, "accept", apply)


def proposal_decline(*, proposal: Proposal, user: User, reason: str = "") -> Proposal:
    """Decline for `user`: the proposal is declined for all, its items released, the
    decliner's two legs cool off, and the others are re-matched."""

    def apply(locked: Proposal, participant: ProposalParticipant, to: str) -> None:
        now = timezone.now()
        _mark(participant, declined_at=now, decline_reason=reason[:500])
        _move(locked, to, closed_at=now, close_reason="declined")
        _release(locked)
        _cool_off(locked, user)
        messages.proposal_declined(locked, by=user)
        others = locked.participants.exclude(user=user).values_list("user_id", flat=True)
        _rematch_later(list(others))

    return _answer(proposal, user, "decline", apply)


def _cool_off(proposal: Proposal, user: User) -> None:
    until = timezone.now() + timedelta(days=settings.DECLINE_COOLDOWN_DAYS)
    for leg in proposal.legs.filter(receiver=user) | proposal.legs.filter(giver=user):
        DeclinedPair.objects.update_or_create(
            offer_id=leg.offer_id,
            want_id=leg.want_id,
            defaults={"until": until, "proposal": proposal},
        )


def _open_chat_later(proposal_id: int) -> None:
    from apps.exchange.tasks import proposal_chat_create

    try:
        proposal_chat_create.delay(proposal_id)
    except Exception:  # noqa: BLE001 - a dead broker must not fail a committed confirmation
        import logging

        logging.getLogger(__name__).warning("chat task not queued for %s", proposal_id)


def proposals_expire_due(*, limit: int = 5000, chunk: int = 500) -> int:
    """Expire pending proposals past `expires_at` (the periodic sweep); returns how many.

    Set-based, a chunk per transaction: lock the due rows (skipping any an answer is holding),
    move them with one conditional update, release their items, notify every participant with
    one bulk insert, and mark them dirty; one re-matching run follows the whole sweep.
    """
    count = 0
    with rematch.deferred():
        while count < limit:
            with transaction.atomic():
                now = timezone.now()
                pks = list(
                    Proposal.objects.select_for_update(skip_locked=True)
                    .filter(status=S.PENDING, expires_at__lte=now)
                    .order_by("pk")
                    .values_list("pk", flat=True)[: min(chunk, limit - count)]
                )
                if not pks:
                    break
                moved = Proposal.objects.filter(pk__in=pks, status=S.PENDING).update(
                    status=S.EXPIRED, closed_at=now, close_reason="expired"
                )
                ProposalItemLock.objects.filter(proposal_id__in=pks).delete()
                kinds = dict(Proposal.objects.filter(pk__in=pks).values_list("pk", "kind"))
                people = list(
                    ProposalParticipant.objects.filter(proposal_id__in=pks).values_list(
                        "proposal_id", "user_id"
                    )
                )
                messages.proposals_expired(kinds, people)
                _rematch_later(sorted({uid for _pk, uid in people}))
                count += moved
            if len(pks) < chunk:
                break
    return count


def proposals_cancel_for_items(item_ids: list[int], reason: str) -> None:
    """`item_changed_hooks`: runs in the transaction that edits or archives items.

    Pending proposals using them are cancelled. A confirmed one reserves its items: editing
    them is refused (409) until it completes; only account deletion cancels it.
    """
    ids = ProposalItemLock.objects.filter(item_id__in=item_ids).values_list(
        "proposal_id", flat=True
    )
    changed_owners = set(
        ListingItem.objects.filter(pk__in=item_ids).values_list("user_id", flat=True)
    )
    for pk in sorted(set(ids)):
        locked = _lock(pk)
        if locked.status == S.CONFIRMED and reason != "account_deleted":
            raise Conflict(
                "Позиция зарезервирована в подтверждённом обмене: дождитесь его завершения",
                code="item_reserved",
            )
        _next_status(locked, "cancel", last=True)
        _move(locked, S.CANCELLED, closed_at=timezone.now(), close_reason=reason)
        _release(locked)
        messages.proposal_cancelled(locked, reason=reason)
        others = locked.participants.exclude(user_id__in=changed_owners)
        _rematch_later(list(others.values_list("user_id", flat=True)))


def proposal_confirm_receipt(*, proposal: Proposal, user: User) -> Proposal:
    """`user` got their item; when every receiver has, the exchange is completed."""
    with transaction.atomic():
        locked = _lock(proposal.pk)
        participant = _participant(locked, user)
        remaining = (
            locked.participants.filter(received_at__isnull=True).exclude(pk=participant.pk).count()
        )
        to = _next_status(locked, "confirm_receipt", last=remaining == 0)
        changed = ProposalParticipant.objects.filter(
            pk=participant.pk, received_at__isnull=True
        ).update(received_at=timezone.now())
        if changed != 1:
            raise InvalidState("Вы уже подтвердили получение", code="already_received")
        if to == S.COMPLETED:
            _complete(locked)
        else:
            messages.proposal_received(locked, by=user)
    return locked


def _complete(proposal: Proposal) -> None:
    _move(proposal, S.COMPLETED, completed_at=timezone.now())
    items = [i for leg in proposal.legs.all() for i in (leg.offer_id, leg.want_id)]
    ListingItem.objects.filter(pk__in=items).update(
        status=ItemStatus.EXCHANGED, version=F("version") + 1, updated_at=timezone.now()
    )
    _release(proposal)
    user_ids = sorted(proposal.participants.values_list("user_id", flat=True))
    User.objects.filter(pk__in=user_ids).update(exchange_count=F("exchange_count") + 1)
    for user_id in user_ids:
        user_trust_recompute(user_id=user_id)
    messages.proposal_completed(proposal)


def proposal_rate(
    *, proposal: Proposal, rater: User, rated_id: int, score: int, comment: str = ""
) -> ProposalRating:
    """After completion a participant rates another one (1..5), once per pair."""
    if not 1 <= score <= 5:
        raise ValidationFailed("Оценка должна быть от 1 до 5", code="invalid_score")
    with transaction.atomic():
        locked = _lock(proposal.pk)
        _participant(locked, rater)
        _next_status(locked, "rate", last=True)
        if rated_id == rater.pk:
            raise ValidationFailed("Нельзя оценить самого себя", code="self_rating")
        if not locked.participants.filter(user_id=rated_id).exists():
            raise ValidationFailed("Этот пользователь не участвовал в обмене", code="not_partner")
        try:
            with transaction.atomic():
                rating = ProposalRating.objects.create(
                    proposal=locked,
                    rater=rater,
                    rated_id=rated_id,
                    score=score,
                    comment=comment[:1000],
                )
        except IntegrityError as exc:
            raise Conflict("Вы уже оценили этого участника", code="already_rated") from exc
        User.objects.filter(pk=rated_id).update(
            rating_sum=F("rating_sum") + score, rating_count=F("rating_count") + 1
        )
        user_trust_recompute(user_id=rated_id)
        messages.rating_received(rating)
    return rating
