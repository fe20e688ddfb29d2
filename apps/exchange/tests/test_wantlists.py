"""Want lists (issue 14): the "anything in this category" flag, candidates and marks through the
API and the web page, owner only, and what the engine gets from them."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from apps.accounts.models import UserLocation
from apps.common.testing import assert_error
from apps.exchange import adapter
from apps.exchange.models import ListingItem, Proposal, WantMark
from apps.exchange.services import ItemDraft, listing_create
from apps.exchange.tests.helpers import run_all
from conftest import make_user


def add(user, name, item_type="OFFER", *, value=10000, category="hand_power_tools", **kw):
    _, items = listing_create(
        user=user,
        drafts=[
            ItemDraft(
                item_type=item_type,
                exchange_type=kw.pop("exchange_type", "PERMANENT"),
                item_name=name,
                value_tenge=value,
                category=category,
                **kw,
            )
        ],
    )
    return items[0]


@pytest.fixture
def want(owner):
    return add(owner, "Дрель ударная", "WANT")


@pytest.fixture
def market(other, outsider):
    """Offers around the owner's want: three the engine would consider, four it would not."""
    far = make_user("faraway", city="Астана", locations=("Астана",))
    return {
        "drill": add(other, "Дрель Bosch"),
        "driver": add(other, "Шуруповёрт Makita", value=11000),
        "nocat": add(outsider, "Дрель аккумуляторная", category=None),
        "pricey": add(other, "Дрель Hilti", value=50000),
        "far": add(far, "Дрель Интерскол"),
        "temp": add(other, "Дрель", exchange_type="TEMPORARY", duration_days=3, category=None),
        "book": add(other, "Книга про дрели", category="physical_media"),
    }


# --- the flag -----------------------------------------------------------------------------------


def test_want_flag_round_trips_through_the_api(api, owner):
    r = api.post(
        "/api/listings/create",
        {
            "item_type": "WANT",
            "exchange_type": "PERMANENT",
            "item_name": "Любой инструмент",
            "value_tenge": 5000,
            "category": "hand_power_tools",
            "any_in_category": True,
        },
    )
    assert r.status_code == 201 and r.json()["any_in_category"] is True
    item_id = r.json()["id"]
    assert ListingItem.objects.get(pk=item_id).any_in_category is True
    assert api.get(f"/api/listings/{item_id}").json()["any_in_category"] is True
    r = api.put(f"/api/listings/{item_id}", {"any_in_category": False})
    assert r.status_code == 200 and r.json()["any_in_category"] is False
    assert ListingItem.objects.get(pk=item_id).any_in_category is False


def test_want_flag_defaults_to_false(api):
    r = api.post(
        "/api/listings/create",
        {"item_type": "WANT", "exchange_type": "PERMANENT", "item_name": "Дрель"},
    )
    assert r.status_code == 201 and r.json()["any_in_category"] is False


@pytest.mark.parametrize(
    ("extra", "code"),
    [
        ({"item_type": "OFFER", "category": "hand_power_tools"}, "бывает только у желаний"),
        ({"item_type": "WANT"}, "выберите категорию"),
    ],
)
def test_want_flag_refused_on_offers_and_without_a_category(api, extra, code):
    body = {"exchange_type": "PERMANENT", "item_name": "Дрель", "any_in_category": True} | extra
    assert code in assert_error(api.post("/api/listings/create", body), 400)["detail"]
    assert not ListingItem.objects.exists()


def test_want_flag_in_the_web_form(client, owner):
    client.force_login(owner)
    page = client.get(reverse("exchange:item_create")).content.decode()
    assert "Подойдёт что угодно из этой категории" in page
    r = client.post(
        reverse("exchange:item_create"),
        {
            "item_type": "WANT",
            "exchange_type": "PERMANENT",
            "item_name": "Что-нибудь из инструментов",
            "value_tenge": "7000",
            "category": "PERMANENT:hand_power_tools",
            "any_in_category": "on",
        },
    )
    assert r.status_code == 302
    item = ListingItem.objects.get(user=owner)
    assert item.any_in_category and item.category.slug == "hand_power_tools"
    edit = client.get(reverse("exchange:item_edit", args=[item.pk])).content.decode()
    assert re.search(r'<input[^>]*name="any_in_category"[^>]*checked', edit)


def test_adapter_passes_the_flag_and_the_marks_to_the_engine(owner, want, market):
    anything = add(owner, "Что угодно", "WANT", any_in_category=True)
    WantMark.objects.create(want=want, offer=market["drill"], verdict="yes")
    WantMark.objects.create(want=want, offer=market["driver"], verdict="no")
    market_ = adapter.snapshot().market
    items = {i.id: i for i in market_.items}
    assert items[anything.pk].any_in_category is True
    assert items[want.pk].any_in_category is False
    assert (market["drill"].pk, want.pk) in market_.accepted
    assert (market["driver"].pk, want.pk) in market_.blocked
    assert (market["driver"].pk, want.pk) not in market_.accepted


# --- candidates and marks through the API -------------------------------------------------------


def test_candidates_are_the_offers_the_engine_would_consider(api, want, market):
    r = api.get(f"/api/listings/{want.pk}/candidates")
    assert r.status_code == 200
    ids = [row["offer"]["id"] for row in r.json()]
    assert set(ids) == {market["drill"].pk, market["driver"].pk, market["nocat"].pk}
    assert r["X-Total-Count"] == "3"
    first = r.json()[0]
    assert first["compatible"] is True and first["verdict"] is None
    assert 0 < first["score"] <= 1
    assert any(reason["code"] == "location" for reason in first["reasons"])
    page = api.get(f"/api/listings/{want.pk}/candidates", {"skip": 1, "limit": 1})
    assert [row["offer"]["id"] for row in page.json()] == ids[1:2]


def test_mark_yes_then_no_then_clear(api, want, market):
    url = f"/api/listings/{want.pk}/marks/{market['drill'].pk}"
    r = api.put(url, {"verdict": "yes"})
    assert r.status_code == 200
    assert r.json()["verdict"] == "yes" and r.json()["offer_id"] == market["drill"].pk
    assert api.put(url, {"verdict": "no"}).json()["verdict"] == "no"
    assert list(WantMark.objects.values_list("offer_id", "verdict")) == [(market["drill"].pk, "no")]
    rows = {
        row["offer"]["id"]: row for row in api.get(f"/api/listings/{want.pk}/candidates").json()
    }
    assert rows[market["drill"].pk]["verdict"] == "no"
    marks = api.get(f"/api/listings/{want.pk}/marks").json()
    assert [(m["offer_id"], m["verdict"]) for m in marks] == [(market["drill"].pk, "no")]
    assert api.delete(url).status_code == 204
    assert not WantMark.objects.exists()
    assert_error(api.delete(url), 404, "not_found")


def test_mark_refuses_bad_verdicts_and_unknown_or_own_offers(api, owner, want, market):
    url = f"/api/listings/{want.pk}/marks"
    assert api.put(f"{url}/{market['drill'].pk}", {"verdict": "maybe"}).status_code == 400
    assert_error(api.put(f"{url}/999999", {"verdict": "yes"}), 404, "not_found")
    mine = add(owner, "Моя дрель")
    assert_error(api.put(f"{url}/{mine.pk}", {"verdict": "yes"}), 404, "not_found")
    assert_error(api.put(f"{url}/{market['temp'].pk}", {"verdict": "yes"}), 400, "validation_error")
    assert not WantMark.objects.exists()


def test_outsider_gets_404_and_changes_nothing(api, outsider_api, anon_api, want, market):
    WantMark.objects.create(want=want, offer=market["drill"], verdict="yes")
    base = f"/api/listings/{want.pk}"
    mark = f"{base}/marks/{market['drill'].pk}"
    assert_error(outsider_api.get(f"{base}/candidates"), 404, "not_found")
    assert_error(outsider_api.get(f"{base}/marks"), 404, "not_found")
    assert_error(outsider_api.put(mark, {"verdict": "no"}), 404, "not_found")
    assert_error(outsider_api.delete(mark), 404, "not_found")
    assert anon_api.get(f"{base}/candidates").status_code == 401
    assert list(WantMark.objects.values_list("offer_id", "verdict")) == [
        (market["drill"].pk, "yes")
    ]
    # an offer id in place of a want is a 404 too, even for the offer's owner
    assert_error(api.get(f"/api/listings/{market['drill'].pk}/candidates"), 404)


# --- the web page ----------------------------------------------------------------------------------


def test_web_page_lists_candidates_with_two_buttons(client, owner, want, market):
    client.force_login(owner)
    dashboard = client.get(reverse("exchange:dashboard")).content.decode()
    url = reverse("exchange:want_candidates", args=[want.pk])
    assert url in dashboard
    page = client.get(url).content.decode()
    assert "Дрель Bosch" in page and "Шуруповёрт Makita" in page
    assert "Дрель Hilti" not in page and "Дрель Интерскол" not in page
    assert page.count('data-action="yes"') == 3 and page.count('data-action="no"') == 3
    assert "Доверие к отдающему" not in page


def test_web_marks_with_csrf_and_redirects_back(owner, want, market):
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    url = reverse("exchange:want_candidates", args=[want.pk])
    page = client.get(url)
    token = page.cookies["csrftoken"].value
    mark_url = reverse("exchange:want_mark", args=[want.pk, market["driver"].pk])
    assert client.post(mark_url, {"verdict": "yes"}).status_code == 403  # no CSRF token
    r = client.post(mark_url, {"verdict": "yes", "csrfmiddlewaretoken": token, "page": "1"})
    assert r.status_code == 302 and r["Location"].startswith(url)
    assert WantMark.objects.get(want=want, offer=market["driver"]).verdict == "yes"
    page = client.get(url).content.decode()
    assert "Вы отметили: подходит" in page
    client.post(mark_url, {"verdict": "no", "csrfmiddlewaretoken": token})
    assert WantMark.objects.get(want=want, offer=market["driver"]).verdict == "no"
    client.post(mark_url, {"verdict": "clear", "csrfmiddlewaretoken": token})
    assert not WantMark.objects.exists()
    assert client.get(mark_url).status_code == 405


def test_web_outsider_gets_404_and_changes_nothing(client, outsider, want, market):
    WantMark.objects.create(want=want, offer=market["drill"], verdict="yes")
    client.force_login(outsider)
    assert client.get(reverse("exchange:want_candidates", args=[want.pk])).status_code == 404
    r = client.post(
        reverse("exchange:want_mark", args=[want.pk, market["drill"].pk]), {"verdict": "no"}
    )
    assert r.status_code == 404
    assert WantMark.objects.get().verdict == "yes"


# --- what the engine does with it -----------------------------------------------------------------


def test_refused_pair_is_never_proposed_until_the_mark_is_cleared(api, owner, other, want):
    offer = add(other, "Дрель Bosch")
    add(owner, "Гитара", category=None)
    add(other, "Гитара", "WANT", category=None)
    api.put(f"/api/listings/{want.pk}/marks/{offer.pk}", {"verdict": "no"})
    run_all()
    assert not Proposal.objects.exists()
    api.delete(f"/api/listings/{want.pk}/marks/{offer.pk}")
    run_all()
    assert Proposal.objects.filter(legs__offer=offer, legs__want=want).exists()


def test_decline_teaches_near_identical_offers(owner, other, outsider, want):
    offer = add(other, "Дрель Bosch")
    add(owner, "Гитара", category=None)
    theirs = add(other, "Гитара", "WANT", category=None)
    run_all()
    proposal = Proposal.objects.get()
    # the same item posted again, and a text duplicate from someone else, after the decline
    from apps.exchange.proposals import proposal_decline

    proposal_decline(proposal=proposal, user=owner)
    again = add(other, "дрели BOSCH", description="почти новая")
    copy = add(outsider, "Дрель Bosch")
    different = add(outsider, "Дрель Makita")
    blocked = adapter.snapshot().market.blocked
    assert (offer.pk, want.pk) in blocked
    assert (again.pk, want.pk) in blocked and (copy.pk, want.pk) in blocked
    assert (different.pk, want.pk) not in blocked
    # the other side did not decline: their want is not taught anything beyond the cooling pair
    lookalike = add(outsider, "Гитара", category=None)
    assert (lookalike.pk, theirs.pk) not in blocked


def test_yes_mark_overrides_what_a_decline_taught(owner, other, outsider, want):
    add(other, "Дрель Bosch")
    add(owner, "Гитара", category=None)
    add(other, "Гитара", "WANT", category=None)
    run_all()
    from apps.exchange.proposals import proposal_decline

    proposal_decline(proposal=Proposal.objects.get(), user=owner)
    copy = add(outsider, "Дрель Bosch")
    WantMark.objects.create(want=want, offer=copy, verdict="yes")
    snap = adapter.snapshot().market
    assert (copy.pk, want.pk) not in snap.blocked and (copy.pk, want.pk) in snap.accepted


def test_candidates_use_the_owners_profile_city_without_locations(api, owner, other, want):
    UserLocation.objects.filter(user=owner).delete()
    offer = add(other, "Дрель Bosch")
    rows = api.get(f"/api/listings/{want.pk}/candidates").json()
    assert [row["offer"]["id"] for row in rows] == [offer.pk]


def test_marking_schedules_the_owners_rematching(
    api, owner, want, market, monkeypatch, django_capture_on_commit_callbacks
):
    calls = []
    monkeypatch.setattr("apps.exchange.services.items_created_hooks", [calls.append])
    url = f"/api/listings/{want.pk}/marks/{market['drill'].pk}"
    with django_capture_on_commit_callbacks(execute=True):
        api.put(url, {"verdict": "yes"})
    with django_capture_on_commit_callbacks(execute=True):
        api.delete(url)
    assert calls == [owner.pk, owner.pk]


def test_want_flag_in_create_by_categories(api):
    r = api.post(
        "/api/listings/create-by-categories",
        {
            "wants": {
                "PERMANENT": [
                    {
                        "item_name": "Инструмент",
                        "category": "hand_power_tools",
                        "any_in_category": True,
                    }
                ]
            },
            "offers": {"PERMANENT": [{"item_name": "Гитара"}]},
        },
    )
    assert r.status_code == 201
    flags = {row["item_type"]: row["any_in_category"] for row in r.json()["listings"]}
    assert flags == {"WANT": True, "OFFER": False}


def test_accept_rates_are_smoothed_past_answers(owner, other, outsider):
    from django.utils import timezone

    from apps.exchange.tests.helpers import proposal_for

    first = proposal_for([owner, other])
    first.participants.filter(user=owner).update(accepted_at=timezone.now())
    first.participants.filter(user=other).update(declined_at=timezone.now())
    second = proposal_for([owner, outsider])
    second.participants.filter(user=owner).update(accepted_at=timezone.now())
    rates = adapter.accept_rates([owner.pk, other.pk, outsider.pk])
    assert rates[owner.pk] == 0.75  # (2 + 1) / (2 + 2)
    assert rates[other.pk] == pytest.approx(1 / 3, abs=1e-4)
    assert rates[outsider.pk] == 0.5  # no answer yet
