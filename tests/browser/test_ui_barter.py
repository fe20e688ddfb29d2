"""Issue 20 (uibarter): FreeMarket pages on a 390 px phone and on desktop: nothing overflows,
the main navigation stays one row (a menu button on the phone), per-face footers, the chain
diagram. Screenshots go to tests/artifacts/."""

from __future__ import annotations

import pytest

from apps.exchange.services import ItemDraft, listing_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def login(browser, base: str, username: str, viewport=PHONE):
    from tests.browser.conftest import PASSWORD

    context = browser.new_context(viewport=viewport, locale="ru-RU", timezone_id="UTC")
    page = context.new_page()
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    return page


def give(user, offer: str, want: str, category: str = "physical_media") -> None:
    listing_create(
        user=user,
        drafts=[
            ItemDraft(
                item_type=t,
                exchange_type="PERMANENT",
                item_name=name,
                value_tenge=12000,
                category=category,
                description="Почти новая, без пометок на полях",
            )
            for t, name in (("OFFER", offer), ("WANT", want))
        ],
    )


def page_width(page) -> int:
    return page.evaluate("() => document.documentElement.scrollWidth")


def nav_rows(page) -> int:
    return page.evaluate(
        "() => new Set([...document.querySelectorAll('.main-nav a')]"
        ".filter(a => a.offsetParent !== null).map(a => Math.round(a.getBoundingClientRect().top))).size"
    )


def test_freemarket_pages_fit_a_phone(live_server, chromium, artifacts):
    from tests.browser.conftest import make_user

    alma, bek = make_user("alma"), make_user("bek")
    give(alma, "Книга «Анна Каренина» в твёрдом переплёте", "Книга «Мастер и Маргарита»")
    give(bek, "Книга «Мастер и Маргарита»", "Книга «Анна Каренина» в твёрдом переплёте")
    base = live_server.url
    page = login(chromium, base, "alma")
    for path, name in [
        ("/exchange/", "dashboard"),
        ("/exchange/browse/offers/", "browse"),
        ("/exchange/proposals/", "proposals"),
        ("/exchange/items/new/?type=OFFER", "item-form"),
    ]:
        page.goto(base + path)
        page.screenshot(path=str(artifacts / f"uibarter-{name}-phone.png"), full_page=True)
        assert page_width(page) <= PHONE["width"], path
        assert nav_rows(page) == 0, path  # behind the menu button
    # The menu button opens the whole navigation as a list inside the screen.
    page.goto(base + "/exchange/")
    header_height = page.locator(".site-header").bounding_box()["height"]
    assert header_height < 80
    page.click("[data-nav-toggle]")
    assert page.get_attribute("[data-nav-toggle]", "aria-expanded") == "true"
    links = page.locator(".main-nav a")
    assert links.first.is_visible() and "Бартер" in page.locator(".main-nav").inner_text()
    for i in range(links.count()):
        box = links.nth(i).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    page.screenshot(path=str(artifacts / "uibarter-menu-phone.png"))
    page.keyboard.press("Escape")
    assert nav_rows(page) == 0
    page.set_viewport_size(DESKTOP)
    page.goto(base + "/exchange/")
    assert nav_rows(page) == 1 and not page.locator("[data-nav-toggle]").is_visible()
    page.goto(base + "/exchange/proposals/")
    page.screenshot(path=str(artifacts / "uibarter-proposals-desktop.png"), full_page=True)
