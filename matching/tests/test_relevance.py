"""Text relevance on Russian as people write it, and the rule in ``compatible``."""

import pytest

from matching import Market, MatchConfig, compatible, find_proposals
from matching.relevance import profile, relevance
from matching.tests.factories import offer, user, want

THRESHOLD = MatchConfig().min_relevance


@pytest.mark.parametrize(
    ("wanted", "offered"),
    [
        ("велик", "Велосипед горный Stels"),
        ("iPhone 12", "айфон 12 128гб"),
        ("Кормен Алгоритмы", "книга по алгоритмам"),
        ("velosiped", "Велосипед детский"),
        ("Велосепед", "велосипеды Forward"),  # a typo and another number
        ("Ноутбук Lenovo", "ноут леново"),
        ("Книга", "Учебник по Python"),  # a textbook is a book
        ("Стиральная машина", "стиралка Indesit"),
    ],
)
def test_the_same_kind_of_thing_is_relevant(wanted, offered):
    assert relevance(wanted, offered) >= THRESHOLD


@pytest.mark.parametrize(
    ("wanted", "offered"),
    [
        ("Пазл 1000 деталей", "Дрель Bosch"),
        ("Дрель", "Пазл"),
        ("Самокат", "Велосипед горный"),
        ("Велосипед", "Самокат трюковый"),
        ("Роман Мастер и Маргарита", "Учебник Python"),
        ("Учебник по Python", "Роман Война и мир"),
        ("Учебник по Python", "Книга"),  # any book is not a Python textbook
        ("Чехол для iPhone", "iPhone 11"),  # the head noun is the case
    ],
)
def test_another_kind_is_not_relevant(wanted, offered):
    assert relevance(wanted, offered) < THRESHOLD


def test_head_noun_outweighs_brand_colour_and_condition():
    assert profile("Велосипед горный красный Stels б/у").head == "bicycle"
    assert profile("Горный велосипед").head == "bicycle"
    assert profile("Samsung Galaxy S21").head == "phone"
    # a different brand or colour still is the thing asked for
    assert relevance("Велосипед Forward синий", "Велосипед Stels красный") >= THRESHOLD


def test_rule_inside_a_category_any_in_category_and_marked_pairs():
    giver, receiver = user(1), user(2)
    scooter = offer(1, 1, "Самокат трюковый")  # same category "bicycles" as the want
    bike_want = want(2, 2, "Велосипед горный")
    assert compatible(scooter, bike_want, giver, receiver) is None
    anything = want(2, 2, "Велосипед горный", any_in_category=True)
    leg = compatible(scooter, anything, giver, receiver)
    assert leg is not None and leg.reasons[2].code == "relevance"
    marked = compatible(scooter, bike_want, giver, receiver, accepted=frozenset({(1, 2)}))
    assert marked is not None and marked.probability > leg.probability
    legacy = MatchConfig(relevance_rule=False)
    assert compatible(scooter, bike_want, giver, receiver, legacy) is not None
    bike = compatible(offer(1, 1, "велик Stels"), bike_want, giver, receiver)
    assert bike is not None and 0.5 < bike.probability < 1.0


def test_engine_proposes_only_what_each_want_asks_for():
    # four users in one category: two want bicycles, two want scooters; only the pairs of the
    # right kind may trade
    items = [
        offer(11, 1, "Велосипед горный"),
        want(12, 1, "Самокат"),
        offer(21, 2, "Самокат детский"),
        want(22, 2, "велик"),
        offer(31, 3, "Пазл"),
        want(32, 3, "Велосипед"),
    ]
    m = Market({uid: user(uid) for uid in (1, 2, 3)}, items)
    result = find_proposals(m, MatchConfig(candidates_per_want=None))
    assert [p.users for p in result.proposals] == [(1, 2)]
    legacy = find_proposals(m, MatchConfig(candidates_per_want=None, relevance_rule=False))
    assert legacy.stats.satisfied_wants >= result.stats.satisfied_wants
