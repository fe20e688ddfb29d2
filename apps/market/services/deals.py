"""Deals (purchase requests): request, accept, deliver, confirm or dispute, reject, cancel.

Who may do what, from which state, sits in TRANSITIONS. Every transition is a conditional
UPDATE (`filter(pk=..., status=<from>).update(...)`, one row or nothing), so two concurrent
clicks cannot both succeed; the partial unique constraints on PurchaseRequest back this up in
the database: one held-or-completed request per listing, one open request per buyer.

The buyer closes the deal: the seller's "Завершить" (the contract's `complete` URL) marks the
item delivered; the buyer then confirms receipt or opens a dispute. Without an answer the deal
confirms itself `DEAL_AUTO_CONFIRM_DAYS` after delivery (`purchase_requests_auto_confirm`,
run by Celery beat, by the `deals_auto_confirm` command and lazily when a deal page is viewed).
Confirm, auto-confirm and dispute all start from `delivered`, so exactly one of them wins.
A dispute is closed by staff (`purchase_request_resolve`): completed or cancelled.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from apps.accounts.blocks import users_blocked
from apps.accounts.models import User
from apps.common.errors import Conflict, InvalidState, PermissionDenied
from apps.market.formatting import format_rub
from apps.market.models import (
    ConfirmedBy,
    DealStatus,
    Listing,
    ListingStatus,
    PurchaseRequest,
)
from apps.market.services.notify import deal_notify

PENDING, ACCEPTED = DealStatus.PENDING, DealStatus.ACCEPTED
DELIVERED, DISPUTED = DealStatus.DELIVERED, DealStatus.DISPUTED
COMPLETED, CANCELLED = DealStatus.COMPLETED, DealStatus.CANCELLED
# action: (who may do it, from which states, to which state).
# "system" is the auto-confirmation, "staff" a moderator deciding a dispute.
TRANSITIONS: dict[str, tuple[str, tuple[str, ...], str]] = {
    "accept": ("seller", (PENDING,), ACCEPTED),
    "reject": ("seller", (PENDING, ACCEPTED), DealStatus.REJECTED),
    "complete": ("seller", (ACCEPTED,), DELIVERED),  # the seller marks the item delivered
    "cancel": ("buyer", (PENDING, ACCEPTED), CANCELLED),
    "confirm": ("buyer", (DELIVERED,), COMPLETED),
    "dispute": ("buyer", (ACCEPTED, DELIVERED), DISPUTED),
    "auto_confirm": ("system", (DELIVERED,), COMPLETED),
    "resolve_complete": ("staff", (DISPUTED,), COMPLETED),
    "resolve_cancel": ("staff", (DISPUTED,), CANCELLED),
    # a ban of either side ends the deal (apps/moderation); disputes are left to staff
    "ban_cancel": ("staff", (PENDING, ACCEPTED, DELIVERED), CANCELLED),
}
# Actions a participant starts from the deal page (the rest are system/staff only).
USER_ACTIONS = ("accept", "reject", "complete", "cancel", "confirm", "dispute")
TIMESTAMP = {
    ACCEPTED: "accepted_at",
    DELIVERED: "delivered_at",
    DISPUTED: "disputed_at",
    COMPLETED: "completed_at",
    DealStatus.REJECTED: "closed_at",
    CANCELLED: "closed_at",
}


def auto_confirm_after() -> timedelta:
    return timedelta(days=settings.DEAL_AUTO_CONFIRM_DAYS)


def confirm_deadline(pr: PurchaseRequest):
    """When a delivered deal confirms itself (None unless delivered)."""
    if pr.status != DELIVERED or pr.delivered_at is None:
        return None
    return pr.delivered_at + auto_confirm_after()


def actions_for(*, pr: PurchaseRequest, user: User) -> list[str]:
    """The actions `user` may take on `pr` now (for showing buttons)."""
    role = pr.role_of(user)
    return [
        name
        for name in USER_ACTIONS
        if TRANSITIONS[name][0] == role and pr.status in TRANSITIONS[name][1]
    ]


def _check(pr: PurchaseRequest, user: User, action: str) -> None:
    who, sources, _ = TRANSITIONS[action]
    if pr.role_of(user) != who:
        if who == "seller":
            raise PermissionDenied("Это действие доступно только продавцу", code="not_seller")
        raise PermissionDenied("Это действие доступно только покупателю", code="not_buyer")
    if pr.status not in sources:
        raise InvalidState(
            f"Сделка уже в статусе «{pr.get_status_display()}», действие невозможно",
            code="deal_wrong_state",
        )


def _move(
    pr: PurchaseRequest, sources: tuple[str, ...], target: str, *, extra_filter=None, **fields
) -> bool:
    """Conditional UPDATE: move `pr` from one of `sources` to `target`; True if it moved."""
    now = timezone.now()
    fields = {"updated_at": now, TIMESTAMP[target]: now, **fields}
    moved = PurchaseRequest.objects.filter(
        pk=pr.pk, status__in=sources, **(extra_filter or {})
    ).update(status=target, **fields)
    if moved:
        pr.status = target
        for name, value in fields.items():
            setattr(pr, name, value)
    return bool(moved)


def _release_listing(pr: PurchaseRequest) -> None:
    """An accepted deal fell through: the reserved listing is for sale again."""
    if pr.listing_id:
        Listing.objects.filter(pk=pr.listing_id, status=ListingStatus.RESERVED).update(
            status=ListingStatus.ACTIVE, updated_at=timezone.now()
        )


def reject_pending_requests(*, listing_id: int, reason: str, exclude_pk: int | None = None) -> int:
    """Reject every pending request for a listing and tell each buyer why."""
    pending = PurchaseRequest.objects.filter(listing_id=listing_id, status=PENDING)
    if exclude_pk:
        pending = pending.exclude(pk=exclude_pk)
    count = 0
    for pr in pending.order_by("pk"):
        if _move(pr, (PENDING,), DealStatus.REJECTED):
            count += 1
            deal_notify(
                pr=pr,
                user_id=pr.buyer_id,
                type="deal_rejected",
                message=f"Запрос на «{pr.listing_title}» отклонён: {reason}",
            )
    return count


def purchase_request_create(*, listing: Listing, buyer: User, message: str = "") -> PurchaseRequest:
    """Ask to buy an active listing; the seller is notified."""
    if listing.seller_id == buyer.pk:
        raise PermissionDenied("Нельзя купить собственное объявление", code="own_listing")
    # A block (either way) looks exactly like an unavailable listing: the blocked side is not told.
    if listing.status != ListingStatus.ACTIVE or users_blocked(listing.seller_id, buyer.pk):
        raise InvalidState("Объявление сейчас недоступно для покупки", code="listing_unavailable")
    if PurchaseRequest.objects.filter(
        listing=listing, buyer=buyer, status__in=(PENDING, ACCEPTED)
    ).exists():
        raise Conflict("У вас уже есть открытый запрос на это объявление", code="request_exists")
    try:
        with transaction.atomic():
            pr = PurchaseRequest.objects.create(
                listing=listing,
                buyer=buyer,
                seller_id=listing.seller_id,
                message=message.strip(),
                listing_title=listing.title,
                price=listing.price,
            )
            deal_notify(
                pr=pr,
                user_id=pr.seller_id,
                type="deal_requested",
                message=f"{buyer.username} хочет купить «{pr.listing_title}» "
                f"за {format_rub(pr.price)}",
            )
    except IntegrityError as exc:
        raise Conflict(
            "У вас уже есть открытый запрос на это объявление", code="request_exists"
        ) from exc
    return pr


@transaction.atomic
def purchase_request_accept(*, pr: PurchaseRequest, user: User) -> PurchaseRequest:
    """The seller accepts: the listing is reserved for this buyer, or nothing changes.

    The listing's `active -> reserved` UPDATE is the lock: of two concurrent accepts for the
    same listing only one matches the row, the other sees 0 rows and fails.
    """
    _check(pr, user, "accept")
    reserved = Listing.objects.filter(pk=pr.listing_id, status=ListingStatus.ACTIVE).update(
        status=ListingStatus.RESERVED, updated_at=timezone.now()
    )
    if reserved != 1:
        raise InvalidState(
            "Объявление уже забронировано, продано или снято с продажи", code="listing_unavailable"
        )
    try:
        with transaction.atomic():
            moved = _move(pr, (PENDING,), ACCEPTED)
    except IntegrityError as exc:  # another request already won this listing
        raise InvalidState("По объявлению уже принят другой запрос", code="listing_taken") from exc
    if not moved:
        raise InvalidState("Запрос уже не ожидает ответа", code="deal_wrong_state")
    deal_notify(
        pr=pr,
        user_id=pr.buyer_id,
        type="deal_accepted",
        message=f"Продавец принял ваш запрос на «{pr.listing_title}». "
        "Свяжитесь с ним и завершите сделку.",
    )
    return pr


@transaction.atomic
def purchase_request_reject(*, pr: PurchaseRequest, user: User) -> PurchaseRequest:
    """The seller declines; rejecting an accepted deal puts the listing back on sale."""
    _check(pr, user, "reject")
    if _move(pr, (ACCEPTED,), DealStatus.REJECTED):
        _release_listing(pr)
    elif not _move(pr, (PENDING,), DealStatus.REJECTED):
        raise InvalidState("Запрос уже закрыт", code="deal_wrong_state")
    deal_notify(
        pr=pr,
        user_id=pr.buyer_id,
        type="deal_rejected",
        message=f"Продавец отклонил ваш запрос на «{pr.listing_title}»",
    )
    return pr


@transaction.atomic
def purchase_request_complete(*, pr: PurchaseRequest, user: User) -> PurchaseRequest:
    """The seller marks the item delivered; the buyer is asked to confirm or dispute."""
    _check(pr, user, "complete")
    if not _move(pr, (ACCEPTED,), DELIVERED):
        raise InvalidState(
            "Отметить передачу можно только в принятой сделке", code="deal_wrong_state"
        )
    deadline = timezone.localtime(confirm_deadline(pr)).strftime("%d.%m.%Y %H:%M")
    deal_notify(
        pr=pr,
        user_id=pr.buyer_id,
        type="deal_delivered",
        message=f"Продавец отметил «{pr.listing_title}» как переданный. Подтвердите получение "
        f"или откройте спор до {deadline}, иначе сделка подтвердится автоматически.",
    )
    return pr


def _finish(pr: PurchaseRequest) -> None:
    """A deal just became completed: listing sold, other requests rejected, stats up."""
    if pr.listing_id:
        Listing.objects.filter(pk=pr.listing_id, status=ListingStatus.RESERVED).update(
            status=ListingStatus.SOLD, updated_at=timezone.now()
        )
        reject_pending_requests(
            listing_id=pr.listing_id, exclude_pk=pr.pk, reason="товар продан другому покупателю"
        )
    User.objects.filter(pk=pr.seller_id).update(total_sales=F("total_sales") + 1)
    User.objects.filter(pk=pr.buyer_id).update(total_purchases=F("total_purchases") + 1)


@transaction.atomic
def purchase_request_confirm(*, pr: PurchaseRequest, user: User) -> PurchaseRequest:
    """The buyer confirms receipt: the deal is completed and both may leave reviews."""
    _check(pr, user, "confirm")
    if not _move(pr, (DELIVERED,), COMPLETED, completed_by=ConfirmedBy.BUYER):
        raise InvalidState("Сделка уже не ждёт подтверждения", code="deal_wrong_state")
    _finish(pr)
    deal_notify(
        pr=pr,
        user_id=pr.seller_id,
        type="deal_completed",
        message=f"Покупатель подтвердил получение «{pr.listing_title}». Сделка завершена, "
        "оставьте отзыв о покупателе.",
    )
    return pr


@transaction.atomic
def purchase_request_dispute(*, pr: PurchaseRequest, user: User) -> PurchaseRequest:
    """The buyer opens a dispute (the Dispute row is written by apps.moderation.disputes)."""
    _check(pr, user, "dispute")
    if not _move(pr, (ACCEPTED, DELIVERED), DISPUTED):
        raise InvalidState("По этой сделке уже нельзя открыть спор", code="deal_wrong_state")
    return pr


def _auto_confirm_one(pr: PurchaseRequest, cutoff) -> bool:
    with transaction.atomic():
        if not _move(
            pr,
            (DELIVERED,),
            COMPLETED,
            extra_filter={"delivered_at__lte": cutoff},
            completed_by=ConfirmedBy.AUTO,
        ):
            return False
        _finish(pr)
        for uid in (pr.buyer_id, pr.seller_id):
            deal_notify(
                pr=pr,
                user_id=uid,
                type="deal_completed",
                message=f"Сделка по «{pr.listing_title}» подтверждена автоматически: покупатель "
                "не ответил вовремя. Можно оставить отзыв.",
            )
    return True


def purchase_requests_auto_confirm(*, pk: int | None = None, now=None) -> int:
    """Complete every delivered deal whose confirmation window has passed; returns how many.

    Each deal moves in its own short transaction with the same conditional UPDATE as the
    buyer's confirmation, so a buyer clicking "confirm" or "dispute" at the same moment
    either wins or sees the deal already completed. Idempotent.
    """
    cutoff = (now or timezone.now()) - auto_confirm_after()
    due = PurchaseRequest.objects.filter(status=DELIVERED, delivered_at__lte=cutoff)
    if pk is not None:
        due = due.filter(pk=pk)
    return sum(_auto_confirm_one(pr, cutoff) for pr in due.order_by("pk"))


@transaction.atomic
def purchase_request_resolve(*, pr: PurchaseRequest, outcome: str, reason: str) -> PurchaseRequest:
    """Staff close a disputed deal: `complete` (the seller delivered) or `cancel`.

    Callers check that the user is staff (apps.moderation.disputes records who and why).
    """
    if outcome == "complete":
        if not _move(pr, (DISPUTED,), COMPLETED, completed_by=ConfirmedBy.STAFF):
            raise InvalidState("Сделка уже не в споре", code="deal_wrong_state")
        _finish(pr)
        text = f"Модератор завершил сделку по «{pr.listing_title}»: {reason}"
    elif outcome == "cancel":
        if not _move(pr, (DISPUTED,), CANCELLED):
            raise InvalidState("Сделка уже не в споре", code="deal_wrong_state")
        _release_listing(pr)
        text = f"Модератор отменил сделку по «{pr.listing_title}»: {reason}"
    else:
        raise ValueError(outcome)
    for uid in (pr.buyer_id, pr.seller_id):
        deal_notify(pr=pr, user_id=uid, type="deal_resolved", message=text)
    return pr


def purchase_request_cancel_for_ban(*, pr: PurchaseRequest, banned_id: int) -> bool:
    """A ban of one side ends an open (not disputed) deal; the other side is told why."""
    with transaction.atomic():
        if _move(pr, (ACCEPTED, DELIVERED), CANCELLED):
            _release_listing(pr)
        elif not _move(pr, (PENDING,), CANCELLED):
            return False
        other_id = pr.seller_id if banned_id == pr.buyer_id else pr.buyer_id
        deal_notify(
            pr=pr,
            user_id=other_id,
            type="deal_cancelled",
            message=f"Сделка по «{pr.listing_title}» отменена: аккаунт второй стороны "
            "заблокирован модератором.",
        )
    return True


@transaction.atomic
def purchase_request_cancel(*, pr: PurchaseRequest, user: User) -> PurchaseRequest:
    """The buyer withdraws; cancelling an accepted deal puts the listing back on sale."""
    _check(pr, user, "cancel")
    was_accepted = _move(pr, (ACCEPTED,), DealStatus.CANCELLED)
    if was_accepted:
        _release_listing(pr)
    elif not _move(pr, (PENDING,), DealStatus.CANCELLED):
        raise InvalidState("Запрос уже закрыт", code="deal_wrong_state")
    deal_notify(
        pr=pr,
        user_id=pr.seller_id,
        type="deal_cancelled",
        message=f"Покупатель {pr.buyer.username} отменил запрос на «{pr.listing_title}»",
    )
    return pr
