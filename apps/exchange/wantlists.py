"""Explicit want lists, as board-game math trades do (OLWLG + TradeMaximizer).

For each of their wants the owner sees the offers the engine would consider and marks them
"подходит" (yes) or "не подходит" (no). The candidates are other users' active offers that pass
a cheap prefilter (same exchange type, the want's category or none, a shared city, value within
the tolerance) and then `matching.rules.compatible`, the single definition of "this offer suits
this want". Marks reach the engine through `adapter.snapshot`: yes pairs as `Market.accepted`,
no pairs as `Market.blocked`. Only the want's owner sees or changes any of this; anyone else
gets 404 and changes nothing.
"""

from __future__ import annotations

import inspect
import math
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Abs
from django.utils import timezone

import matching
from apps.accounts.models import User
from apps.common.errors import NotFound, ValidationFailed
from apps.exchange import adapter, services
from apps.exchange.models import ItemStatus, ItemType, ListingItem, WantMark
from apps.exchange.selectors import item_qs
from matching.rules import compatible

# How many prefiltered offers (closest in value first) one want's list checks.
CANDIDATE_SCAN = 1000

VERDICTS = frozenset(WantMark.Verdict.values)

# The engine's `compatible` takes the marked pairs once issue 14's engine side is in.
_TAKES_ACCEPTED = "accepted" in inspect.signature(compatible).parameters


@dataclass(frozen=True)
class Candidate:
    """One row of a want list: the offer, the engine's leg (None: marked but no longer
    compatible) and the owner's verdict (None: not marked yet)."""

    offer: ListingItem
    leg: matching.Leg | None
    verdict: str | None


def want_get_for(*, user: User, pk: int) -> ListingItem:
    """The user's own want; anyone else's item (or an offer) is a 404."""
    want = item_qs().filter(pk=pk, user_id=user.pk, item_type=ItemType.WANT).first()
    if want is None:
        raise NotFound("Желание не найдено", code="want_not_found")
    return want


def _engine_item(item: ListingItem) -> matching.Item:
    return adapter.engine_item(
        (
            item.pk,
            item.user_id,
            item.item_type,
            item.exchange_type,
            item.category.slug if item.category_id else None,
            item.item_name,
            item.description,
            item.value_tenge,
            item.duration_days,
            item.any_in_category,
        )
    )


def _prefilter(want: ListingItem, locations: frozenset[str]) -> QuerySet[ListingItem]:
    """Other users' active offers that can pass `compatible` (a superset, checked after)."""
    qs = (
        item_qs()
        .filter(
            item_type=ItemType.OFFER,
            status=ItemStatus.ACTIVE,
            user__is_active=True,
            exchange_type=want.exchange_type,
        )
        .exclude(user_id=want.user_id)
        .filter(Q(user__location_set__city__in=locations) | Q(user__city__in=locations))
    )
    if want.category_id:
        qs = qs.filter(Q(category_id=want.category_id) | Q(category__isnull=True))
    tolerance = settings.MATCH_VALUE_TOLERANCE
    if want.exchange_type == "PERMANENT":
        qs = qs.filter(
            value_tenge__gte=math.floor(want.value_tenge * (1 - tolerance)),
            value_tenge__lte=math.ceil(want.value_tenge * (1 + tolerance)),
        )
    else:  # the daily rate is compared; the offered duration must cover the wanted one
        qs = qs.filter(duration_days__gte=want.duration_days or 1)
    ids = (
        qs.annotate(distance=Abs(F("value_tenge") - want.value_tenge))
        .order_by("distance", "pk")
        .values_list("pk", flat=True)
        .distinct()
    )
    return item_qs().filter(pk__in=list(ids[:CANDIDATE_SCAN]))


def want_candidates(*, want: ListingItem) -> list[Candidate]:
    """The want list of `want`: compatible offers (best score first), then offers the owner
    marked that are no longer compatible (so a mark can always be seen and cleared)."""
    marks = dict(WantMark.objects.filter(want=want).values_list("offer_id", "verdict"))
    owner_info = adapter.user_infos([want.user_id]).get(want.user_id)
    if owner_info is None or want.status != ItemStatus.ACTIVE:
        return []
    offers = list(_prefilter(want, owner_info.locations))
    seen = {o.pk for o in offers}
    marked = [o for o in item_qs().filter(pk__in=set(marks) - seen, status=ItemStatus.ACTIVE)]
    infos = adapter.user_infos({o.user_id for o in offers + marked} | {want.user_id})
    config = adapter.match_config()
    engine_want = _engine_item(want)
    accepted = frozenset(
        (offer_id, want.pk) for offer_id, verdict in marks.items() if verdict == "yes"
    )
    extra = {"accepted": accepted} if _TAKES_ACCEPTED else {}
    rows = []
    for offer in offers + marked:
        giver = infos.get(offer.user_id)
        leg = None
        if giver is not None:
            leg = compatible(
                _engine_item(offer), engine_want, giver, infos[want.user_id], config, **extra
            )
        if leg is not None or offer.pk in marks:
            rows.append(Candidate(offer=offer, leg=leg, verdict=marks.get(offer.pk)))
    rows.sort(key=lambda c: (c.leg is None, -(c.leg.score if c.leg else 0.0), c.offer.pk))
    return rows


def _rematch_later(user_id: int) -> None:
    for hook in services.items_created_hooks:
        transaction.on_commit(lambda hook=hook: hook(user_id))


def want_mark_set(*, want: ListingItem, user: User, offer_id: int, verdict: str) -> WantMark:
    """Mark `offer_id` for the user's own `want` ("yes" or "no"); marking again changes it."""
    want = want_get_for(user=user, pk=want.pk)
    if verdict not in VERDICTS:
        raise ValidationFailed("Ответ должен быть «yes» или «no»", code="invalid_verdict")
    if want.status != ItemStatus.ACTIVE:
        raise ValidationFailed(
            "Отмечать варианты можно только у активных желаний", code="not_active"
        )
    offer = (
        ListingItem.objects.filter(
            pk=offer_id, item_type=ItemType.OFFER, status=ItemStatus.ACTIVE, user__is_active=True
        )
        .exclude(user_id=user.pk)
        .first()
    )
    if offer is None:
        raise NotFound("Предложение не найдено", code="offer_not_found")
    if offer.exchange_type != want.exchange_type:
        raise ValidationFailed(
            "Это предложение для другого типа обмена", code="exchange_type_mismatch"
        )
    with transaction.atomic():
        # Uniqueness is the constraint's: update first, insert if there was nothing to update,
        # and if a concurrent insert won, update that row.
        now = timezone.now()
        if not WantMark.objects.filter(want=want, offer=offer).update(
            verdict=verdict, updated_at=now
        ):
            try:
                with transaction.atomic():
                    WantMark.objects.create(want=want, offer=offer, verdict=verdict)
            except IntegrityError:
                WantMark.objects.filter(want=want, offer=offer).update(
                    verdict=verdict, updated_at=now
                )
        _rematch_later(user.pk)
    return WantMark.objects.get(want=want, offer=offer)


def want_mark_clear(*, want: ListingItem, user: User, offer_id: int) -> None:
    """Forget the user's mark of `offer_id` for their own `want`."""
    want = want_get_for(user=user, pk=want.pk)
    with transaction.atomic():
        deleted, _ = WantMark.objects.filter(want=want, offer_id=offer_id).delete()
        if not deleted:
            raise NotFound("Отметка не найдена", code="mark_not_found")
        _rematch_later(user.pk)


def want_marks_list(*, want: ListingItem) -> QuerySet[WantMark]:
    return WantMark.objects.filter(want=want).order_by("-updated_at", "-pk")
