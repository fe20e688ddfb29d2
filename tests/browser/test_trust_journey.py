"""Trust & safety in a real browser, on a desktop and a 390 px phone viewport:

1. a delivered deal goes to a dispute (with a photo), the seller answers, a moderator (who
   logs in with a 2FA code) cancels the deal and warns the seller; the buyer sees the decision;
2. a reported listing is hidden by a moderator;
3. a banned user is logged out everywhere at once.

Screenshots go to tests/artifacts/trust_*.png.
"""

from __future__ import annotations

import pyotp
import pytest
from PIL import Image

from apps.accounts.models import TOTPDevice
from apps.accounts.twofactor import totp_begin
from apps.catalog.loader import load_games
from apps.market.models import Listing, PurchaseRequest
from apps.market.tests.factories import make_deal, make_listing
from apps.moderation.models import AuditLog, Dispute, Report
from conftest import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


def open_page(browser, viewport):
    context = browser.new_context(
        viewport=VIEWPORTS[viewport], locale="ru-RU", timezone_id="Asia/Almaty"
    )
    context.route("**/api/events/stream*", lambda route: route.abort())
    return context.new_page()


def go(page, action) -> None:
    with page.expect_navigation():
        action()


def login(page, base, username, *, totp=None):
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    go(page, lambda: page.click("main form button[type=submit]"))
    if totp is not None:
        assert "/accounts/login/2fa/" in page.url
        page.fill("input[name=code]", totp.now())
        go(page, lambda: page.click("main form button[type=submit]"))
    assert "/accounts/login" not in page.url and page.locator("details.menu").count() == 1


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_dispute_report_and_ban_journey(live_server, chromium, artifacts, tmp_path, viewport):
    base = live_server.url
    load_games()
    seller, buyer = make_user("sergey_seller"), make_user("bella_buyer")
    moderator = make_user("mila_moderator", is_staff=True)
    secret, _ = totp_begin(user=moderator)
    TOTPDevice.objects.filter(user=moderator).update(confirmed_at="2026-01-01T00:00:00Z")
    totp = pyotp.TOTP(secret)
    listing = make_listing(seller, title="Скин AWP | Азимов", status="reserved")
    deal = make_deal(listing, buyer, status="accepted")
    proof = tmp_path / "proof.png"
    Image.new("RGB", (320, 200), (200, 40, 40)).save(proof, "PNG")

    # 1. The seller marks the item delivered; the buyer did not get it and opens a dispute.
    s = open_page(chromium, viewport)
    login(s, base, "sergey_seller")
    s.goto(f"{base}/transactions/purchase-request/{deal.pk}/")
    go(s, lambda: s.click("[data-action=complete]"))
    go(s, lambda: s.click("main form button[type=submit]"))
    b = open_page(chromium, viewport)
    login(b, base, "bella_buyer")
    b.goto(f"{base}/transactions/purchase-request/{deal.pk}/")
    assert "подтвердится автоматически" in b.inner_text("main")
    go(b, lambda: b.click("[data-action=dispute]"))
    b.select_option("select[name=reason]", "not_received")
    b.fill("textarea[name=text]", "Оплатил переводом, скин так и не пришёл")
    b.set_input_files("input[name=image]", str(proof))
    go(b, lambda: b.click("main form button[type=submit]"))
    dispute = Dispute.objects.get()
    assert b.url == f"{base}/disputes/{dispute.pk}/"
    assert b.locator("[data-event=opened] img").count() == 1
    b.screenshot(path=str(artifacts / f"trust_dispute_{viewport}.png"), full_page=True)

    # The seller answers in the dispute.
    s.goto(f"{base}/disputes/{dispute.pk}/")
    s.fill("[data-form=dispute-message] textarea[name=text]", "Передал, но в другой аккаунт")
    go(s, lambda: s.click("[data-form=dispute-message] button[type=submit]"))
    assert "в другой аккаунт" in s.inner_text(".dispute-timeline")

    # 2. The moderator logs in with the 2FA code, finds the dispute in the queue and decides.
    m = open_page(chromium, viewport)
    login(m, base, "mila_moderator", totp=totp)
    m.goto(f"{base}/moderation/")
    go(m, lambda: m.click(f"[data-table=disputes] a[href='/disputes/{dispute.pk}/']"))
    m.select_option("select[name=outcome]", "cancel")
    m.select_option("select[name=sanction]", "warn")
    m.fill("[data-form=dispute-decide] textarea[name=note]", "Продавец сам признал ошибку")
    go(m, lambda: m.click("[data-form=dispute-decide] button[type=submit]"))
    deal.refresh_from_db()
    assert deal.status == "cancelled"
    b.goto(f"{base}/disputes/{dispute.pk}/")
    assert "Продавец сам признал ошибку" in b.inner_text("[data-decision]")
    b.screenshot(path=str(artifacts / f"trust_decision_{viewport}.png"), full_page=True)

    # 3. The buyer reports a listing; the moderator hides it.
    offending = make_listing(seller, title="Продам аккаунт с читами")
    b.goto(f"{base}/listing/{offending.pk}/")
    go(b, lambda: b.click("[data-action=report]"))
    b.select_option("select[name=reason]", "prohibited")
    b.fill("textarea[name=comment]", "Читы запрещены правилами")
    go(b, lambda: b.click("main form button[type=submit]"))
    report = Report.objects.get()
    m.goto(f"{base}/moderation/")
    go(m, lambda: m.click(f"a[href='/moderation/reports/{report.pk}/']"))
    assert "Продам аккаунт с читами" in m.inner_text("[data-context]")
    m.screenshot(path=str(artifacts / f"trust_report_{viewport}.png"), full_page=True)
    m.select_option("select[name=action]", "hide")
    m.fill("[data-form=report-act] textarea[name=note]", "Запрещённый товар")
    go(m, lambda: m.click("[data-form=report-act] button[type=submit]"))
    assert Listing.objects.get(pk=offending.pk).moderation_hidden
    response = b.goto(f"{base}/listing/{offending.pk}/")
    assert response.status == 404

    # 4. The buyer reports the seller; the moderator bans them; the seller is logged out.
    b.goto(f"{base}/accounts/profile/sergey_seller/")
    go(b, lambda: b.click("a[data-action=report]"))
    b.select_option("select[name=reason]", "fraud")
    go(b, lambda: b.click("main form button[type=submit]"))
    user_report = Report.objects.get(target_type="user")
    m.goto(f"{base}/moderation/reports/{user_report.pk}/")
    m.select_option("select[name=action]", "ban")
    m.fill("[data-form=report-act] textarea[name=note]", "Обманывает покупателей")
    go(m, lambda: m.click("[data-form=report-act] button[type=submit]"))
    s.goto(f"{base}/accounts/my-listings/")
    assert "/accounts/login/" in s.url
    assert AuditLog.objects.filter(action__in=["ban", "report_hide", "dispute_decide"]).count() == 3
    m.goto(f"{base}/moderation/audit/")
    assert "Обманывает покупателей" in m.inner_text("[data-table=audit]")
    m.screenshot(path=str(artifacts / f"trust_audit_{viewport}.png"), full_page=True)
    assert PurchaseRequest.objects.get(pk=deal.pk).status == "cancelled"
