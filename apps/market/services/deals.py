"""Deals (purchase requests): request, accept, reject, complete, cancel.

Who may do what, from which state, sits in TRANSITIONS. Every transition is a conditional
UPDATE (`filter(pk=..., status=<from>).update(...)`, one row or nothing), so two concurrent
clicks cannot both succeed; the partial unique constraints on PurchaseRequest back this up in
the database: one accepted-or-completed request per listing, one open request per buyer.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from apps.accounts.models import User
from apps.common.errors import Conflict, InvalidState, PermissionDenied
from apps.market.formatting import format_rub
from apps.market.models import DealStatus, Listing, ListingStatus, PurchaseRequest
from apps.market.services.notify import deal_notify

PENDING, ACCEPTED = DealStatus.PENDING, DealStatus.ACCEPTED
# action: (who may do it, from which states, to which state)
TRANSITIONS: dict[str, tuple[str, tuple[str, ...], str]] = {
    "accept": ("seller", (PENDING,), ACCEPTED),
    "reject": ("seller", (PENDING, ACCEPTED), DealStatus.REJECTED),
    "complete": ("seller", (ACCEPTED,), DealStatus.COMPLETED),
    "cancel": ("buyer", (PENDING, ACCEPTED), DealStatus.CANCELLED),
}
TIMESTAMP = {
    ACCEPTED: "accepted_at",
    DealStatus.COMPLETED: "completed_at",
    DealStatus.REJECTED: "closed_at",
    DealStatus.CANCELLED: "closed_at",
}


def actions_for(*, pr: PurchaseRequest, user: User) -> list[str]:
    """The actions `user` may take on `pr` now (for showing buttons)."""
    role = pr.role_of(user)
    return [
        name
        for name, (who, sources, _) in TRANSITIONS.items()
        if who == role and pr.status in sources
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


def _move(pr: PurchaseRequest, sources: tuple[str, ...], target: str) -> bool:
    """Conditional UPDATE: move `pr` from one of `sources` to `target`; True if it moved."""
    now = timezone.now()
    moved = PurchaseRequest.objects.filter(pk=pr.pk, status__in=sources).update(
        status=target, updated_at=now, **{TIMESTAMP[target]: now}
    )
    if moved:
        pr.status = target
        setattr(pr, TIMESTAMP[target], now)
        pr.updated_at = now
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
    if listing.status != ListingStatus.ACTIVE:
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
    """The seller confirms the deal is done: listing sold, other requests rejected, stats up."""
    _check(pr, user, "complete")
    if not _move(pr, (ACCEPTED,), DealStatus.COMPLETED):
        raise InvalidState("Завершить можно только принятую сделку", code="deal_wrong_state")
    if pr.listing_id:
        Listing.objects.filter(pk=pr.listing_id, status=ListingStatus.RESERVED).update(
            status=ListingStatus.SOLD, updated_at=timezone.now()
        )
        reject_pending_requests(
            listing_id=pr.listing_id, exclude_pk=pr.pk, reason="товар продан другому покупателю"
        )
    User.objects.filter(pk=pr.seller_id).update(total_sales=F("total_sales") + 1)
    User.objects.filter(pk=pr.buyer_id).update(total_purchases=F("total_purchases") + 1)
    deal_notify(
        pr=pr,
        user_id=pr.buyer_id,
        type="deal_completed",
        message=f"Сделка по «{pr.listing_title}» завершена. Оставьте отзыв о продавце.",
    )
    return pr


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
