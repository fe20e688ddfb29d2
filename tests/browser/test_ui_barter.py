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


def test_barterer_opens_an_offer_page_and_sends_a_direct_proposal(live_server, chromium, artifacts):
    from apps.exchange.models import ListingItem, Proposal, ProposalStatus
    from tests.browser.conftest import make_user

    make_user("dana"), make_user("erik")
    base = live_server.url
    # Different categories: the engine finds nothing by itself, the people do.
    erik = login(chromium, base, "erik", viewport=DESKTOP)
    for name in ("Палатка на четверых", "Гитара Yamaha"):
        erik.goto(f"{base}/exchange/items/new/?type=OFFER")
        erik.check("input[name=item_type][value=OFFER]")
        erik.check("input[name=exchange_type][value=PERMANENT]")
        erik.fill("input[name=item_name]", name)
        erik.wait_for_function(
            "() => document.querySelector('select[name=category]').value !== ''"
            " || document.querySelector('#category-suggestion').textContent !== ''"
        )
        erik.fill("input[name=value_tenge]", "40000")
        erik.click("#item-form button[type=submit]")
        erik.wait_for_url(f"{base}/exchange/")
    tent = ListingItem.objects.get(item_name="Палатка на четверых")
    erik.goto(f"{base}/exchange/items/{tent.pk}/")
    erik.set_input_files("input[name=photo]", files=[_png()])
    erik.click("[data-action=photo-add]")
    erik.wait_for_load_state()
    assert "Фотографии: 1 из 5" in erik.content()

    dana = login(chromium, base, "dana")
    dana.goto(f"{base}/exchange/items/new/?type=OFFER")
    dana.check("input[name=item_type][value=OFFER]")
    dana.check("input[name=exchange_type][value=PERMANENT]")
    dana.fill("input[name=item_name]", "Электросамокат Xiaomi")
    dana.fill("input[name=value_tenge]", "45000")
    dana.click("#item-form button[type=submit]")
    if "category_choice" in dana.content():
        dana.check("input[name=category_choice] >> nth=0")
        dana.click("#item-form button[type=submit]")
    dana.wait_for_url(f"{base}/exchange/")
    # Browse → the card links to the offer's own page.
    dana.goto(f"{base}/exchange/browse/offers/")
    dana.click(f'a[href="/exchange/items/{tent.pk}/"]')
    dana.wait_for_url(f"{base}/exchange/items/{tent.pk}/")
    assert page_width(dana) <= PHONE["width"]
    assert dana.locator(".fm-gallery__main").is_visible()
    dana.screenshot(path=str(artifacts / "uibarter-item-page-phone.png"), full_page=True)
    dana.click("[data-action=propose]")
    dana.wait_for_load_state()
    proposal = Proposal.objects.get()
    assert dana.url.endswith(f"/exchange/proposals/{proposal.pk}/")
    assert "Предложение отправлено erik" in dana.content()
    dana.screenshot(path=str(artifacts / "uibarter-direct-proposal-phone.png"), full_page=True)

    erik.goto(f"{base}/exchange/proposals/")
    erik.click(f"#proposal-{proposal.pk} [data-action=accept]")
    erik.wait_for_load_state()
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.CONFIRMED
    for page in (erik, dana):
        page.goto(f"{base}/exchange/proposals/{proposal.pk}/")
        page.click("[data-action=confirm-receipt]")
        page.wait_for_load_state()
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.COMPLETED
    erik.screenshot(
        path=str(artifacts / "uibarter-direct-proposal-done-desktop.png"), full_page=True
    )


def _png():
    from apps.market.tests.factories import image_bytes

    return {"name": "tent.png", "mimeType": "image/png", "buffer": image_bytes(size=(800, 600))}
