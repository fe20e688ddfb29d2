"""The contract's test-flow scenarios: a sample market, the real pipeline, then a rollback.

Each scenario builds its users and items inside `transaction.atomic()`, runs the same
`matching_run` as production limited to those users, reads the outcome and raises a private
exception so that everything (users, items, proposals, notifications, the run) is rolled back.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

from django.db import transaction

from apps.accounts.models import User, UserLocation
from apps.exchange.matching_runs import matching_run
from apps.exchange.models import ItemType, Listing, ListingItem, Proposal

Spec = tuple[str, str, list[tuple[str, int]], list[tuple[str, int]]]  # name, city, offers, wants


class _Rollback(Exception):
    pass


def _build(users: list[Spec]) -> dict[str, User]:
    token = secrets.token_hex(3)
    made = {}
    for name, city, offers, wants in users:
        user = User(username=f"tf_{name.lower()}_{token}", full_name=name, city=city)
        user.set_unusable_password()
        user.save()
        UserLocation.objects.create(user=user, city=city)
        listing = Listing.objects.create(user=user)
        for item_type, rows in ((ItemType.OFFER, offers), (ItemType.WANT, wants)):
            for item_name, value in rows:
                ListingItem.objects.create(
                    listing=listing,
                    user=user,
                    item_type=item_type,
                    exchange_type="PERMANENT",
                    item_name=item_name,
                    value_tenge=value,
                )
        made[name] = user
    return made


def _run(users: dict[str, User]) -> list[Proposal]:
    run = matching_run(trigger="test-flow", sample_user_ids=[u.pk for u in users.values()])
    if run.errors:
        raise RuntimeError("; ".join(run.errors))
    return list(Proposal.objects.filter(matching_run=run).prefetch_related("participants__user"))


def _names(proposal: Proposal, users: dict[str, User]) -> set[str]:
    by_id = {u.pk: name for name, u in users.items()}
    return {by_id[p.user_id] for p in proposal.participants.all()}


def _bilateral() -> tuple[bool, int, str]:
    users = _build(
        [
            ("Alice", "Алматы", [("Велосипед детский", 20000)], [("Самокат", 15000)]),
            ("Bob", "Алматы", [("Самокат", 15000)], [("Велосипед детский", 20000)]),
        ]
    )
    found = _run(users)
    passed = len(found) == 1 and found[0].kind == "bilateral"
    return passed, len(found), "Alice + Bob match successful" if passed else "Alice + Bob: no match"


def _chains() -> tuple[bool, int, str]:
    users = _build(
        [
            ("Anna", "Алматы", [("Дрель", 10000)], [("Палатка", 40000)]),
            ("Boris", "Алматы", [("Гитара", 20000)], [("Дрель", 10000)]),
            ("Vera", "Алматы", [("Палатка", 40000)], [("Гитара", 20000)]),
        ]
    )
    found = _run(users)
    passed = len(found) == 1 and found[0].kind == "chain" and _names(found[0], users) == set(users)
    detail = "Anna → Boris → Vera chain found" if passed else "3-way chain not found"
    return passed, len(found), detail


def _locations() -> tuple[bool, int, str]:
    users = _build(
        [
            ("Dana", "Алматы", [("Книги", 5000)], [("Настольная игра", 5000)]),
            ("Erik", "Астана", [("Настольная игра", 5000)], [("Книги", 5000)]),
            ("Farid", "Шымкент", [("Ролики", 8000)], [("Скейтборд", 8000)]),
            ("Gulya", "Шымкент", [("Скейтборд", 8000)], [("Ролики", 8000)]),
        ]
    )
    found = _run(users)
    passed = len(found) == 1 and _names(found[0], users) == {"Farid", "Gulya"}
    detail = (
        "Алматы/Астана not matched, Farid + Gulya (Шымкент) matched"
        if passed
        else "location filter did not behave as expected"
    )
    return passed, len(found), detail


def _scoring() -> tuple[bool, int, str]:
    users = _build(
        [
            ("Ivan", "Алматы", [("Фотоаппарат", 100000)], [("Объектив", 100000)]),
            ("Kira", "Алматы", [("Объектив", 100000)], [("Фотоаппарат", 100000)]),
            ("Lev", "Алматы", [("Монитор", 40000)], [("Клавиатура", 30000)]),
            ("Mila", "Алматы", [("Клавиатура", 33000)], [("Монитор", 40000)]),
            ("Nina", "Алматы", [("Пылесос", 10000)], [("Утюг", 10000)]),
            ("Oleg", "Алматы", [("Утюг", 30000)], [("Пылесос", 10000)]),
        ]
    )
    found = sorted(_run(users), key=lambda p: -p.score)
    pairs = [_names(p, users) for p in found]
    passed = pairs == [{"Ivan", "Kira"}, {"Lev", "Mila"}] and found[0].score > found[1].score
    detail = (
        f"equal values score {found[0].score}, 10% apart {found[1].score}, 3× apart not matched"
        if passed
        else f"unexpected matches: {pairs}"
    )
    return passed, len(found), detail


SCENARIOS: dict[str, Callable[[], tuple[bool, int, str]]] = {
    "bilateral": _bilateral,
    "chains": _chains,
    "locations": _locations,
    "scoring": _scoring,
}


def scenario_run(name: str) -> dict:
    """Run one scenario and roll everything back; returns the contract's result body."""
    outcome: dict = {}
    try:
        with transaction.atomic():
            try:
                passed, count, details = SCENARIOS[name]()
            except Exception as exc:  # noqa: BLE001 - reported as a failed scenario
                passed, count, details = False, 0, f"{type(exc).__name__}: {exc}"
            outcome = {"test": name, "passed": passed, "matches_found": count, "details": details}
            raise _Rollback
    except _Rollback:
        pass
    return outcome
