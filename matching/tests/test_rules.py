from dataclasses import replace

from matching import MatchConfig, compatible
from matching.tests.factories import offer, user, want

GIVER, RECEIVER = user(1), user(2)


def check(o, w, giver=GIVER, receiver=RECEIVER, config=None, blocked=frozenset()):
    return compatible(o, w, giver, receiver, config or MatchConfig(), blocked)


def test_matching_pair_gives_a_leg_with_reasons():
    leg = check(offer(1, 1, "Горный велосипед"), want(2, 2, "велосипеда"))
    assert leg is not None
    assert (leg.giver_id, leg.receiver_id, leg.offer_id, leg.want_id) == (1, 2, 1, 2)
    codes = [r.code for r in leg.reasons]
    assert codes == [
        "exchange_type",
        "category",
        "relevance",
        "value",
        "text",
        "location",
        "trust",
    ]
    assert leg.reasons[1].message_ru == "Совпадает категория «Велосипеды»" or "«" in (
        leg.reasons[1].message_ru
    )
    assert 0.0 <= leg.score <= 1.0


def test_different_exchange_type_is_incompatible():
    o = offer(1, 1, exchange_type="TEMPORARY", duration_days=7)
    assert check(o, want(2, 2)) is None


def test_different_category_is_incompatible():
    assert check(offer(1, 1, category="books"), want(2, 2)) is None


def test_without_category_text_must_be_similar():
    assert check(offer(1, 1, "Велосипед", category=None), want(2, 2, "велосипеда")) is not None
    assert check(offer(1, 1, "Холодильник", category=None), want(2, 2, "велосипед")) is None
    assert check(offer(1, 1, "Велосипед"), want(2, 2, "велосипед", category=None)) is not None


def test_users_must_share_a_location():
    far = user(2, frozenset({"Астана"}))
    assert check(offer(1, 1), want(2, 2), receiver=far) is None
    both = user(2, frozenset({"Астана", "Алматы"}))
    assert check(offer(1, 1), want(2, 2), receiver=both) is not None


def test_value_within_tolerance_of_the_want():
    assert check(offer(1, 1, value=13_000), want(2, 2, value=10_000)) is not None
    assert check(offer(1, 1, value=7_000), want(2, 2, value=10_000)) is not None
    assert check(offer(1, 1, value=13_100), want(2, 2, value=10_000)) is None
    assert check(offer(1, 1, value=6_900), want(2, 2, value=10_000)) is None
    strict = MatchConfig(value_tolerance=0.1)
    assert check(offer(1, 1, value=11_500), want(2, 2, value=10_000), config=strict) is None


def test_zero_values_on_both_sides_match():
    assert check(offer(1, 1, value=0), want(2, 2, value=0)) is not None
    assert check(offer(1, 1, value=100), want(2, 2, value=0)) is None


def test_temporary_duration_must_cover_and_daily_rates_compare():
    def t_offer(value, days):
        return offer(1, 1, value=value, exchange_type="TEMPORARY", duration_days=days)

    def t_want(value, days):
        return want(2, 2, value=value, exchange_type="TEMPORARY", duration_days=days)

    assert check(t_offer(1400, 14), t_want(700, 7)) is not None  # same 100/day, longer
    assert check(t_offer(700, 7), t_want(1400, 14)) is None  # too short
    assert check(t_offer(2800, 14), t_want(700, 7)) is None  # 200/day vs 100/day


def test_same_user_and_inactive_items_are_incompatible():
    assert check(offer(1, 1), want(2, 1), receiver=GIVER) is None
    assert check(replace(offer(1, 1), active=False), want(2, 2)) is None
    assert check(offer(1, 1), replace(want(2, 2), active=False)) is None


def test_blocked_pair_is_incompatible():
    assert check(offer(1, 1), want(2, 2), blocked=frozenset({(1, 2)})) is None


def test_score_prefers_closer_value_similar_text_and_trust():
    w = want(2, 2, "Горный велосипед", value=10_000)
    close = check(offer(1, 1, "Горный велосипед", value=10_000), w)
    far = check(offer(1, 1, "Горный велосипед", value=12_500), w)
    other_text = check(offer(1, 1, "Велосипед Stels", value=10_000), w)  # same kind
    trusted = check(offer(1, 1, "Горный велосипед", value=10_000), w, giver=user(1, trust=1.0))
    assert trusted.score > close.score > far.score
    assert close.score > other_text.score
