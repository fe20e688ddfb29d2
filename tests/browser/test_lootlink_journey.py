"""LootLink in a real browser: two people register, one sells an item with a photo, the other
asks to buy it, they chat, the seller accepts and marks it delivered, the buyer confirms receipt,
both leave reviews.

Screenshots of the main pages (desktop 1280 px and phone 390 px) go to tests/artifacts/.
"""

from __future__ import annotations

import re

import pytest
from PIL import Image, ImageDraw

from apps.catalog.loader import load_games
from apps.market.models import Listing, PurchaseRequest, Review
from conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
TITLE = "Нож-бабочка | Градиент (Прямо с завода)"


def shot(page, artifacts, name: str, *, phone: bool = True) -> None:
    page.screenshot(path=str(artifacts / f"lootlink_{name}_desktop.png"), full_page=True)
    if phone:
        page.set_viewport_size(PHONE)
        page.screenshot(path=str(artifacts / f"lootlink_{name}_phone.png"), full_page=True)
        page.set_viewport_size(DESKTOP)


def make_png(path) -> str:
    image = Image.new("RGB", (640, 480), (36, 28, 84))
    draw = ImageDraw.Draw(image)
    for i in range(0, 640, 40):
        draw.rectangle([i, 300 - i // 4, i + 30, 480], fill=(120 + i // 8, 80, 255 - i // 4))
    draw.ellipse([220, 90, 420, 290], fill=(0, 194, 168))
    image.save(path, "PNG")
    return str(path)


def register(browser, base: str, username: str, artifacts=None):
    context = browser.new_context(viewport=DESKTOP, locale="ru-RU", timezone_id="Asia/Almaty")
    # live_server is WSGI: it would buffer the endless SSE stream and hold a thread past the
    # test. The badges are rendered by the server on every page; the chat polls on its own.
    context.route("**/api/events/stream*", lambda route: route.abort())
    page = context.new_page()
    page.goto(f"{base}/accounts/register/")
    if artifacts is not None:
        shot(page, artifacts, "register")
    page.fill("input[name=username]", username)
    page.fill("input[name=email]", f"{username}@example.com")
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{base}/")
    assert username in page.inner_text(".site-header")
    return page


def click_and_wait(page, selector: str) -> None:
    with page.expect_navigation():
        page.click(selector)


def image_width(page, selector: str) -> int:
    """The decoded width of an image, once it has loaded (card images load lazily, after the
    page's load event, so reading it right after navigation races the download)."""
    page.wait_for_function(
        "s => { const i = document.querySelector(s); return i && i.complete && i.naturalWidth > 0 }",
        arg=selector,
    )
    return page.evaluate("s => document.querySelector(s).naturalWidth", selector)


def test_two_gamers_trade_an_item(live_server, chromium, artifacts, tmp_path):
    base = live_server.url
    load_games()  # an earlier transactional test may have flushed the seeded games

    # 1. The seller registers and lists an item with a photo.
    seller = register(chromium, base, "anna_seller", artifacts)
    seller.goto(f"{base}/listing/create/")
    seller.select_option("select[name=game]", label="CS2")
    seller.fill("input[name=title]", TITLE)
    seller.fill("textarea[name=description]", "Float 0.01, без царапин. Передам через обмен Steam.")
    seller.fill("input[name=price]", "12 499,90")
    seller.set_input_files("input[name=image]", make_png(tmp_path / "knife.png"))
    click_and_wait(seller, "main form button[type=submit]")
    listing = Listing.objects.get()
    assert seller.url == f"{base}/listing/{listing.pk}/"
    assert "Это ваше объявление" in seller.inner_text("main")
    assert "12\u00a0499,90\u00a0₽" in seller.inner_text(".listing-price")
    assert image_width(seller, ".listing-image img") == 640

    # 2. The buyer registers, finds it on the home page (Cyrillic search) and opens it.
    buyer = register(chromium, base, "boris_buyer")
    buyer.goto(f"{base}/?search=НОЖ")
    assert buyer.locator(".listing-card").count() == 1
    assert image_width(buyer, ".listing-card img") == 480
    shot(buyer, artifacts, "home")
    click_and_wait(buyer, ".listing-card .card-title a")
    assert "Доступно для покупки" in buyer.inner_text(".buy-box")
    shot(buyer, artifacts, "listing")

    # 3. The buyer writes to the seller; the message appears without a reload.
    click_and_wait(buyer, "text=Написать продавцу")
    assert re.search(r"/chat/conversation/\d+/$", buyer.url)
    buyer.fill("#chat-input", "Здравствуйте! Нож ещё продаётся?")
    buyer.click(".chat-form button")
    buyer.wait_for_selector(".bubble.mine:has-text('Нож ещё продаётся?')")

    # 4. The buyer asks to buy it.
    buyer.goto(f"{base}/listing/{listing.pk}/")
    click_and_wait(buyer, "text=Купить")
    buyer.fill("textarea[name=message]", "Готов забрать сегодня вечером.")
    click_and_wait(buyer, "main form button[type=submit]")
    pr = PurchaseRequest.objects.get()
    assert buyer.url == f"{base}/transactions/purchase-request/{pr.pk}/"
    assert "Ожидает ответа продавца" in buyer.inner_text(".timeline")

    # 5. The seller sees the badges, reads the chat and answers; the buyer's open chat updates.
    seller.goto(f"{base}/")
    assert seller.inner_text("#notif-badge") == "2"  # deal requested + new message
    assert seller.inner_text("[data-badge=messages]") == "1"
    seller.goto(f"{base}/chat/")
    assert "Нож ещё продаётся?" in seller.inner_text(".conv-list")
    click_and_wait(seller, ".conv-row")
    buyer.goto(seller.url)
    seller.fill("#chat-input", "Да! Принимаю запрос, жду обмен в Steam.")
    seller.click(".chat-form button")
    buyer.wait_for_selector(".bubble:not(.mine):has-text('жду обмен в Steam')", timeout=10_000)
    seller.wait_for_selector(".bubble.mine .ticks.is-read", timeout=10_000)  # buyer saw it
    shot(buyer, artifacts, "chat")

    # 6. The seller accepts (confirmation page, then POST) and completes the deal.
    seller.goto(f"{base}/accounts/my-sales/")
    click_and_wait(seller, ".deal-row a")
    click_and_wait(seller, "[data-action=accept]")
    assert "Принять запрос?" in seller.inner_text("h1")
    assert PurchaseRequest.objects.get().status == "pending"  # the GET changed nothing
    click_and_wait(seller, "main form button[type=submit]")
    assert "Запрос принят" in seller.inner_text(".flash-stack")
    assert Listing.objects.get().status == "reserved"
    buyer.goto(f"{base}/transactions/purchase-request/{pr.pk}/")
    assert "Принят" in buyer.inner_text(".deal-status")
    assert buyer.locator("[data-action=cancel]").count() == 1
    assert buyer.locator("[data-action=accept]").count() == 0

    # The seller marks the item delivered; the buyer closes the deal by confirming receipt.
    click_and_wait(seller, "[data-action=complete]")
    click_and_wait(seller, "main form button[type=submit]")
    assert "Продавец отметил передачу" in seller.inner_text(".timeline")
    assert Listing.objects.get().status == "reserved"
    buyer.goto(f"{base}/transactions/purchase-request/{pr.pk}/")
    assert "подтвердится автоматически" in buyer.inner_text("main")
    click_and_wait(buyer, "[data-action=confirm]")
    click_and_wait(buyer, "main form button[type=submit]")
    assert "Покупатель подтвердил получение" in buyer.inner_text(".timeline")
    assert Listing.objects.get().status == "sold"

    # 7. Both review each other.
    for page, stars, comment in (
        (buyer, 5, "Отличный продавец, всё быстро!"),
        (seller, 4, "Вежливый покупатель"),
    ):
        page.goto(f"{base}/transactions/purchase-request/{pr.pk}/")
        click_and_wait(page, "text=Оставить отзыв")
        page.click(f"label[for=rating-{stars}]")
        page.fill("textarea[name=comment]", comment)
        click_and_wait(page, "main form button[type=submit]")
        assert "Отзыв опубликован" in page.inner_text(".flash-stack")
    assert Review.objects.count() == 2
    buyer.reload()
    assert buyer.locator(".timeline-step.is-done").count() == 4
    shot(buyer, artifacts, "deal")

    buyer.goto(f"{base}/accounts/profile/anna_seller/")
    profile = buyer.inner_text("main")
    assert "Отличный продавец, всё быстро!" in profile
    assert "5,0" in profile
    shot(buyer, artifacts, "profile")

    # 8. The cabinet shows the finished purchase; the notifications reached the buyer.
    buyer.goto(f"{base}/accounts/my-purchases/")
    assert "Завершён" in buyer.inner_text(".deal-list")
    shot(buyer, artifacts, "purchases", phone=False)
    buyer.goto(f"{base}/games/")
    shot(buyer, artifacts, "games", phone=False)
    buyer.goto(f"{base}/notifications/")
    assert "Продавец принял ваш запрос" in buyer.inner_text("main")
    seller.goto(f"{base}/listing/create/")
    shot(seller, artifacts, "create")
