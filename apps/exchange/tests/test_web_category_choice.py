"""The item form never files an item in a guessed category it is not sure of (issue 14)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from apps.exchange.models import ListingItem


@pytest.fixture
def web(client, owner):
    client.force_login(owner)
    return client


def post(web, name, **extra):
    data = {
        "item_type": "OFFER",
        "exchange_type": "PERMANENT",
        "item_name": name,
        "value_tenge": "10000",
        "category": "",
        "description": "",
    }
    return web.post(reverse("exchange:item_create"), data | extra)


def test_doubtful_guess_asks_with_the_top3_and_saves_nothing(web):
    r = post(web, "Камера")
    assert r.status_code == 200
    page = r.content.decode()
    assert "Не удалось уверенно определить категорию" in page
    assert 'name="category_choice" value="PERMANENT:photo_equipment"' in page
    assert 'name="category_choice" value="PERMANENT:parts_consumables"' in page
    assert "оставить без категории" in page
    assert not ListingItem.objects.exists()


def test_choosing_one_of_the_top3_files_it_as_chosen(web, owner):
    r = post(web, "Камера", category_choice="PERMANENT:photo_equipment")
    assert r.status_code == 302
    item = ListingItem.objects.get(user=owner)
    assert item.category.slug == "photo_equipment" and not item.category_inferred


def test_choosing_none_saves_without_a_category(web, owner):
    r = post(web, "Камера", category_choice="none")
    assert r.status_code == 302
    item = ListingItem.objects.get(user=owner)
    assert item.category is None and not item.category_inferred


def test_confident_guess_is_saved_and_said(web, owner):
    r = post(web, "Аккумулятор для ноутбука")
    assert r.status_code == 302
    item = ListingItem.objects.get(user=owner)
    assert item.category.slug == "parts_consumables" and item.category_inferred
    page = web.get(reverse("exchange:dashboard")).content.decode()
    assert "Категория определена автоматически" in page


def test_the_form_hides_the_choice_until_needed(web):
    page = web.get(reverse("exchange:item_create")).content.decode()
    assert 'type="hidden" name="category_choice"' in page
    assert "Какая категория подходит?" not in page
