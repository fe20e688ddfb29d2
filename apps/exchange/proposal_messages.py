"""Notifications about proposals: who hears what, with the contract's payload fields.

Contacts are private until everyone has accepted: before confirmation `partner_contact` is
null; the `proposal_confirmed` notification (and the proposal's detail) reveal them.
"""

from __future__ import annotations

from apps.accounts.models import User
from apps.exchange.models import Proposal, ProposalKind, ProposalLeg, ProposalRating
from apps.exchange.proposal_explain import explain_rows
from apps.notifications.services import notify_many

REASONS_RU = {
    "item_edited": "одна из позиций была изменена",
    "item_archived": "одна из позиций снята с обмена",
    "account_deleted": "один из участников удалил аккаунт",
    "user_banned": "один из участников заблокирован модератором",
    "staff_decision": "решение модератора по спору",
}


def proposal_url(proposal_id: int) -> str:
    """The proposal's page (the FreeMarket web pages, issue 6)."""
    return f"/exchange/proposals/{proposal_id}/"


def contact_of(user: User) -> str | None:
    return user.telegram_contact or user.phone or user.email or None


def _legs(proposal: Proposal) -> list[ProposalLeg]:
    return list(proposal.legs.select_related("giver", "receiver", "offer", "want"))


def _base(proposal: Proposal, message: str) -> dict:
    return {
        "proposal_id": proposal.pk,
        "kind": proposal.kind,
        ("match_id" if proposal.kind == ProposalKind.BILATERAL else "chain_id"): proposal.pk,
        "message": message,
        "url": proposal_url(proposal.pk),
    }


def _sides(legs: list[ProposalLeg], user_id: int) -> tuple[ProposalLeg, ProposalLeg]:
    """(the leg `user_id` gives in, the leg they receive in)."""
    give = next(leg for leg in legs if leg.giver_id == user_id)
    get = next(leg for leg in legs if leg.receiver_id == user_id)
    return give, get


def _created_rows(proposal: Proposal) -> list[tuple[int, str, dict]]:
    legs = _legs(proposal)
    names = [leg.giver.username for leg in legs]
    rows = []
    for leg in legs:
        uid = leg.giver_id
        give, get = _sides(legs, uid)
        if proposal.kind == ProposalKind.BILATERAL:
            partner = get.giver.username
            payload = _base(proposal, f"Найдено совпадение с {partner}!") | {
                "partner": partner,
                "partner_contact": None,  # revealed after everyone accepts
                "partner_item": get.offer.item_name,
                "your_item": give.offer.item_name,
                "score": proposal.score,
            }
            rows.append((uid, "bilateral_match", payload))
        else:
            payload = _base(proposal, f"Найдена цепочка обмена из {len(legs)} участников") | {
                "participants": names,
                "you_give": give.offer.item_name,
                "give_to": give.receiver.username,
                "you_get": get.offer.item_name,
                "get_from": get.giver.username,
                "partner_contact": None,
                "score": proposal.score,
            }
            rows.append((uid, "chain_proposed", payload))
    return rows


def created_rows_from_engine(
    *,
    proposal_id: int,
    kind: str,
    score: float,
    legs: list[tuple[int, int, int]],
    usernames: dict[int, str],
    item_names: dict[int, str],
) -> list[tuple[int, str, dict]]:
    """The same notifications as `_created_rows`, built from what a matching run already holds
    (`legs` as (giver, receiver, offer) in cycle order; names from its snapshot): no read-back."""
    base = {
        "proposal_id": proposal_id,
        "kind": kind,
        ("match_id" if kind == ProposalKind.BILATERAL else "chain_id"): proposal_id,
        "url": proposal_url(proposal_id),
    }
    gets = {receiver: (giver, offer) for giver, receiver, offer in legs}
    names = [usernames[giver] for giver, _, _ in legs]
    rows = []
    for giver, receiver, offer in legs:
        from_id, got_offer = gets[giver]
        if kind == ProposalKind.BILATERAL:
            partner = usernames[from_id]
            payload = base | {
                "message": f"Найдено совпадение с {partner}!",
                "partner": partner,
                "partner_contact": None,  # revealed after everyone accepts
                "partner_item": item_names[got_offer],
                "your_item": item_names[offer],
                "score": score,
            }
            rows.append((giver, "bilateral_match", payload))
        else:
            payload = base | {
                "message": f"Найдена цепочка обмена из {len(legs)} участников",
                "participants": names,
                "you_give": item_names[offer],
                "give_to": usernames[receiver],
                "you_get": item_names[got_offer],
                "get_from": usernames[from_id],
                "partner_contact": None,
                "score": score,
            }
            rows.append((giver, "chain_proposed", payload))
    return rows


def proposals_created(proposals: list[Proposal]) -> int:
    """Tell every participant of new proposals; returns how many notifications were sent."""
    rows = [row for proposal in proposals for row in _created_rows(proposal)]
    notify_many(explain_rows(rows))
    return len(rows)


def _to_others(proposal: Proposal, by: User, type_: str, payload: dict) -> None:
    others = proposal.participants.exclude(user=by).values_list("user_id", flat=True)
    notify_many([(uid, type_, payload) for uid in others])


def _to_all(proposal: Proposal, type_: str, payload: dict) -> None:
    notify_many(
        [(uid, type_, payload) for uid in proposal.participants.values_list("user_id", flat=True)]
    )


def proposal_accepted(proposal: Proposal, *, by: User) -> None:
    accepted = proposal.participants.filter(accepted_at__isnull=False).count()
    total = proposal.participants.count()
    payload = _base(proposal, f"{by.username} принял(а) предложение обмена ({accepted} из {total})")
    _to_others(
        proposal,
        by,
        "proposal_accepted",
        payload
        | {
            "by": by.username,
            "accepted": accepted,
            "total": total,
        },
    )


def proposal_declined(proposal: Proposal, *, by: User) -> None:
    # The decline reason stays with the decliner: others only learn that it happened.
    payload = _base(proposal, f"{by.username} отклонил(а) предложение обмена. Мы подберём новое.")
    _to_others(proposal, by, "proposal_declined", payload | {"by": by.username})


def proposal_confirmed(proposal: Proposal) -> None:
    legs = _legs(proposal)
    rows = []
    for leg in legs:
        give, get = _sides(legs, leg.giver_id)
        partner = get.giver
        rows.append(
            (
                leg.giver_id,
                "proposal_confirmed",
                _base(
                    proposal,
                    "Все участники согласились: обмен подтверждён. Свяжитесь с партнёрами.",
                )
                | {
                    "partner": partner.username,
                    "partner_contact": contact_of(partner),
                    "partner_item": get.offer.item_name,
                    "your_item": give.offer.item_name,
                    "give_to": {
                        "username": give.receiver.username,
                        "contact": contact_of(give.receiver),
                    },
                    "get_from": {"username": partner.username, "contact": contact_of(partner)},
                },
            )
        )
    notify_many(rows)


def proposal_expired(proposal: Proposal) -> None:
    _to_all(
        proposal,
        "proposal_expired",
        _base(proposal, "Срок ответа на предложение истёк. Мы подберём новое."),
    )


def proposals_expired(kinds: dict[int, str], people: list[tuple[int, int]]) -> None:
    """The expiry sweep's notifications in one insert: `kinds` {proposal id: kind},
    `people` [(proposal id, user id)]. Same payload as `proposal_expired`."""
    message = "Срок ответа на предложение истёк. Мы подберём новое."
    rows = []
    for pk, user_id in people:
        kind = kinds[pk]
        payload = {
            "proposal_id": pk,
            "kind": kind,
            ("match_id" if kind == ProposalKind.BILATERAL else "chain_id"): pk,
            "message": message,
            "url": proposal_url(pk),
        }
        rows.append((user_id, "proposal_expired", payload))
    notify_many(rows)


def proposal_cancelled(proposal: Proposal, *, reason: str) -> None:
    why = REASONS_RU.get(reason, "условия обмена изменились")
    _to_all(
        proposal,
        "proposal_cancelled",
        _base(proposal, f"Предложение отменено: {why}.") | {"reason": reason},
    )


def proposal_received(proposal: Proposal, *, by: User) -> None:
    leg = proposal.legs.filter(receiver=by).first()
    if leg is not None:
        notify_many(
            [
                (
                    leg.giver_id,
                    "proposal_received",
                    _base(proposal, f"{by.username} подтвердил(а) получение") | {"by": by.username},
                )
            ]
        )


def proposal_completed(proposal: Proposal) -> None:
    _to_all(
        proposal,
        "proposal_completed",
        _base(proposal, "Обмен завершён. Оцените партнёров — это повышает доверие на бирже."),
    )


def rating_received(rating: ProposalRating) -> None:
    notify_many(
        [
            (
                rating.rated_id,
                "rating_received",
                _base(
                    rating.proposal,
                    f"{rating.rater.username} оценил(а) обмен на {rating.score} из 5",
                )
                | {"by": rating.rater.username, "score": rating.score},
            )
        ]
    )
