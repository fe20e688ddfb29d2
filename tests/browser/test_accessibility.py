"""axe-core on the main pages of both faces, desktop and a 390 px phone (issue 20): no serious
or critical violations. Screenshots of each checked page go to tests/artifacts/."""

from __future__ import annotations

import pytest

from tests.browser.axe import axe_violations, describe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture
def market():
    """A seller and a buyer with a listing, a deal, a chat, notifications and a proposal."""
    from apps.chat.services import conversation_start_for_listing, message_send
    from apps.exchange.direct_proposals import direct_proposal_create
    from apps.exchange.tests.helpers import item
    from apps.market.tests.factories import make_deal, make_listing
    from tests.browser.conftest import make_user

    seller, buyer = make_user("seller"), make_user("buyer")
    listing = make_listing(seller, title="AK-47 | Redline, почти новый")
    deal = make_deal(listing, buyer)
    conv = conversation_start_for_listing(listing=listing, buyer=buyer)
    message_send(conversation=conv, sender=buyer, content="Здравствуйте! Ещё продаёте?")
    tent = item(seller, "offer", "Палатка на четверых", 30000)
    book = item(buyer, "offer", "Книга «Дюна»", 28000)
    proposal = direct_proposal_create(proposer=buyer, target=tent, my_offer_id=book.pk)
    return {
        "home": "/",
        "game": f"/game/{listing.game.slug}/",
        "listing": f"/listing/{listing.pk}/",
        "deal": f"/transactions/purchase-request/{deal.pk}/",
        "chat": f"/chat/conversation/{conv.pk}/",
        "notifications": "/notifications/",
        "exchange": "/exchange/",
        "proposal": f"/exchange/proposals/{proposal.pk}/",
        "item": f"/exchange/items/{tent.pk}/",
        "docs": "/docs",
    }


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_no_serious_axe_violations(live_server, chromium, artifacts, market, viewport):
    from tests.browser.conftest import PASSWORD

    context = chromium.new_context(
        viewport=VIEWPORTS[viewport], locale="ru-RU", timezone_id="Asia/Almaty", bypass_csp=True
    )
    page = context.new_page()
    base = live_server.url
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", "buyer")
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    failures = {}
    for name, path in market.items():
        page.goto(base + path)
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(artifacts / f"axe-{name}-{viewport}.png"), full_page=True)
        found = axe_violations(page)
        if found:
            failures[name] = describe(found)
    context.close()
    assert not failures, "\n".join(f"{k} ({viewport}):\n{v}" for k, v in failures.items())
