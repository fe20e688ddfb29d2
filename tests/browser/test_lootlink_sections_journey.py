"""LootLink depth in a real browser (issue 20): a seller lists an item in a game section with
attributes and several photos; a buyer finds it through the section and server filters,
favourites it, asks about it in chat with a picture, gets a price-drop alert when the seller
lowers the price, and buys it.

Runs on desktop (1280 px) and a phone (390 px); screenshots go to tests/artifacts/.
"""

from __future__ import annotations

import pytest
from PIL import Image, ImageDraw

from apps.catalog.loader import load_game_catalog, load_games
from apps.market.models import Listing, PurchaseRequest
from apps.market.tests.factories import make_listing
from conftest import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
TITLE = "Аркана Pudge — Feast of Abscession"


def open_page(browser, viewport):
    context = browser.new_context(
        viewport=VIEWPORTS[viewport], locale="ru-RU", timezone_id="Asia/Almaty"
    )
    context.route("**/api/events/stream*", lambda route: route.abort())
    return context.new_page()


def go(page, action) -> None:
    with page.expect_navigation():
        action()


def login(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    go(page, lambda: page.click("main form button[type=submit]"))
    assert "/accounts/login" not in page.url


def png(path, color) -> str:
    image = Image.new("RGB", (640, 480), color)
    ImageDraw.Draw(image).ellipse([200, 120, 440, 360], fill=(255, 200, 0))
    image.save(path, "PNG")
    return str(path)


def no_horizontal_scroll(page) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"page is {width}px wide"


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_buyer_finds_by_section_favourites_gets_price_drop_and_buys(
    live_server, chromium, artifacts, tmp_path, viewport
):
    base = live_server.url
    load_games()  # an earlier transactional test may have flushed the seeded catalogue
    load_game_catalog()
    seller_user = make_user("sasha_seller")
    make_user("bogdan_buyer")
    make_listing(seller_user, title="Аккаунт 6k MMR", game_slug="dota-2")  # noise, no section

    # 1. The seller lists an item in Dota 2 › Предметы with attributes and three photos.
    seller = open_page(chromium, "desktop")
    login(seller, base, "sasha_seller")
    seller.goto(f"{base}/listing/create/")
    seller.select_option("select[name=game]", label="Dota 2")
    seller.wait_for_selector("select[name=section] option:has-text('Предметы')", state="attached")
    seller.select_option("select[name=section]", label="Предметы")
    seller.fill("input[name=title]", TITLE)
    seller.fill("textarea[name=description]", "Передам через обмен в Steam, сразу после оплаты.")
    seller.fill("input[name=price]", "2 500")
    seller.fill("input[name=server]", "EU West")
    seller.fill("input[name=quantity]", "1")
    seller.select_option("select[name=delivery_minutes]", label="Моментально")
    seller.set_input_files("input[name=image]", png(tmp_path / "main.png", (40, 20, 90)))
    seller.set_input_files(
        "input[name=photos]",
        [png(tmp_path / "b.png", (10, 90, 60)), png(tmp_path / "c.png", (90, 30, 30))],
    )
    go(seller, lambda: seller.click("main form button[type=submit]"))
    listing = Listing.objects.get(title=TITLE)
    assert listing.section.name == "Предметы" and listing.photos.count() == 2

    # 2. The buyer opens the game, picks the section chip and filters by server.
    buyer = open_page(chromium, viewport)
    login(buyer, base, "bogdan_buyer")
    buyer.goto(f"{base}/game/dota-2/")
    go(buyer, lambda: buyer.click(".section-chips a:has-text('Предметы')"))
    assert "section=predmety" in buyer.url
    if not buyer.is_visible("#id_server"):  # a phone shows the filters folded
        buyer.click(".filters-box summary")
    buyer.fill("#id_server", "eu west")
    go(buyer, lambda: buyer.click(".filters form button[type=submit]"))
    cards = buyer.locator(".listing-card")
    assert cards.count() == 1 and TITLE in cards.first.inner_text()
    assert "Dota 2 · Предметы" in cards.first.inner_text()
    no_horizontal_scroll(buyer)
    buyer.screenshot(
        path=str(artifacts / f"lootlink20_game_section_{viewport}.png"), full_page=True
    )

    # 3. The buyer opens it (a gallery of three photos) and adds it to favourites.
    go(buyer, lambda: buyer.click(".listing-card .card-title a"))
    assert buyer.locator(".gallery-slide").count() == 3
    buyer.wait_for_function(
        "() => [...document.querySelectorAll('.gallery-thumbs img')]"
        ".every(i => i.complete && i.naturalWidth > 0)"
    )
    go(buyer, lambda: buyer.click("[data-action=favourite]"))
    assert "В избранном" in buyer.inner_text(".buy-box")
    no_horizontal_scroll(buyer)
    buyer.screenshot(path=str(artifacts / f"lootlink20_listing_{viewport}.png"), full_page=True)

    # 3b. The buyer asks the seller with a screenshot attached; the seller sees the picture.
    go(buyer, lambda: buyer.click("text=Написать продавцу"))
    buyer.set_input_files("#chat-image", png(tmp_path / "question.png", (0, 120, 200)))
    buyer.fill("#chat-input", "Это тот самый сет?")
    buyer.click(".chat-form button[type=submit]")
    buyer.wait_for_selector(".bubble.mine .bubble-image img")
    seller.goto(buyer.url)
    seller.wait_for_function(
        "() => { const i = document.querySelector('.bubble .bubble-image img');"
        " return i && i.complete && i.naturalWidth === 640 }"
    )
    buyer.screenshot(path=str(artifacts / f"lootlink20_chat_{viewport}.png"), full_page=True)

    # 4. The seller lowers the price.
    seller.goto(f"{base}/listing/{listing.pk}/edit/")
    assert seller.input_value("input[name=price]") == "2 500,00"
    seller.fill("input[name=price]", "1 990")
    go(seller, lambda: seller.click("main form button[type=submit]"))
    listing.refresh_from_db()
    assert str(listing.price) == "1990.00"

    # 5. The buyer sees the alert (badge + notification centre) and follows it.
    buyer.goto(f"{base}/notifications/")
    assert buyer.inner_text("#notif-badge") == "1"
    text = buyer.inner_text("#notification-list")
    assert "снизилась" in text and "2\u00a0500,00\u00a0₽ → 1\u00a0990,00\u00a0₽" in text
    buyer.screenshot(path=str(artifacts / f"lootlink20_alert_{viewport}.png"), full_page=True)
    go(buyer, lambda: buyer.click("#notification-list .link-button"))
    assert buyer.url == f"{base}/listing/{listing.pk}/"
    buyer.goto(f"{base}/favourites/")
    assert "Цена снизилась" in buyer.inner_text("main")
    no_horizontal_scroll(buyer)
    buyer.screenshot(path=str(artifacts / f"lootlink20_favourites_{viewport}.png"), full_page=True)

    # 6. The buyer buys: request, the seller accepts and delivers, the buyer confirms.
    buyer.goto(f"{base}/listing/{listing.pk}/")
    go(buyer, lambda: buyer.click("text=Купить"))
    go(buyer, lambda: buyer.click("main form button[type=submit]"))
    pr = PurchaseRequest.objects.get()
    assert pr.price == listing.price
    seller.goto(f"{base}/transactions/purchase-request/{pr.pk}/")
    go(seller, lambda: seller.click("[data-action=accept]"))
    go(seller, lambda: seller.click("main form button[type=submit]"))
    go(seller, lambda: seller.click("[data-action=complete]"))
    go(seller, lambda: seller.click("main form button[type=submit]"))
    buyer.goto(f"{base}/transactions/purchase-request/{pr.pk}/")
    go(buyer, lambda: buyer.click("[data-action=confirm]"))
    go(buyer, lambda: buyer.click("main form button[type=submit]"))
    assert PurchaseRequest.objects.get().status == "completed"
    assert Listing.objects.get(pk=listing.pk).status == "sold"
    buyer.screenshot(path=str(artifacts / f"lootlink20_deal_{viewport}.png"), full_page=True)
    buyer.goto(f"{base}/games/")
    no_horizontal_scroll(buyer)
    buyer.screenshot(path=str(artifacts / f"lootlink20_games_{viewport}.png"))
