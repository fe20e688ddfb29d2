"""Tiny builders for engine tests."""

from matching import Item, Market, UserInfo

CITY = frozenset({"Алматы"})


def user(uid: int, cities: frozenset[str] = CITY, trust: float = 0.5) -> UserInfo:
    return UserInfo(uid, cities, trust)


def offer(iid: int, uid: int, name: str = "Велосипед", value: int = 10_000, **kw) -> Item:
    kw.setdefault("category", "bicycles")
    kw.setdefault("exchange_type", "PERMANENT")
    return Item(id=iid, user_id=uid, kind="offer", name=name, value=value, **kw)


def want(iid: int, uid: int, name: str = "Велосипед", value: int = 10_000, **kw) -> Item:
    kw.setdefault("category", "bicycles")
    kw.setdefault("exchange_type", "PERMANENT")
    return Item(id=iid, user_id=uid, kind="want", name=name, value=value, **kw)


def market(items, users=None, blocked=frozenset()) -> Market:
    uids = sorted({it.user_id for it in items})
    users = users or {uid: user(uid) for uid in uids}
    return Market(users=users, items=items, blocked=frozenset(blocked))


def swap(a: int = 1, b: int = 2) -> list[Item]:
    """Two users who want exactly what the other offers."""
    return [
        offer(10 * a + 1, a, "Велосипед"),
        want(10 * a + 2, a, "Самокат", category="scooters"),
        offer(10 * b + 1, b, "Самокат", category="scooters"),
        want(10 * b + 2, b, "Велосипед"),
    ]
