"""Item pages and direct proposals (issue 20): what the barterer sees and what gets stored."""

import pytest
from django.urls import reverse

from apps.exchange.models import (
    ItemPhoto,
    ItemStatus,
    Proposal,
    ProposalItemLock,
    ProposalStatus,
)
from apps.exchange.proposals import proposal_accept, proposal_confirm_receipt, proposal_decline
from apps.exchange.tests.helpers import item
from apps.market.tests.factories import upload
from apps.notifications.models import Notification


@pytest.fixture
def bike(other):
    other.full_name = "Ольга Игоревна Смирнова"
    other.save(update_fields=["full_name"])
    return item(other, "offer", "Велосипед Stels", 30000)


@pytest.fixture
def my_book(owner):
    return item(owner, "offer", "Книга «Дюна»", 28000)


def test_item_page_shows_username_never_the_real_name(client, owner, bike):
    client.force_login(owner)
    page = client.get(reverse("exchange:item_detail", args=[bike.pk])).content.decode()
    assert "Велосипед Stels" in page and "30\xa0000 ₸" in page
    assert bike.user.username in page and "Смирнова" not in page
    assert "Предложить обмен" in page


def test_anonymous_sees_the_page_and_a_login_link(client, bike):
    page = client.get(reverse("exchange:item_detail", args=[bike.pk])).content.decode()
    assert "Велосипед Stels" in page and "Войдите, чтобы предложить обмен" in page


def test_archived_item_is_404_for_others(client, owner, bike):
    type(bike).objects.filter(pk=bike.pk).update(status=ItemStatus.ARCHIVED)
    client.force_login(owner)
    assert client.get(reverse("exchange:item_detail", args=[bike.pk])).status_code == 404


def test_browse_cards_link_to_the_item_page(client, owner, bike):
    client.force_login(owner)
    page = client.get("/exchange/browse/offers/").content.decode()
    assert f'href="/exchange/items/{bike.pk}/"' in page


def test_direct_proposal_follows_the_proposal_lifecycle(client, owner, other, bike, my_book):
    client.force_login(owner)
    r = client.post(reverse("exchange:item_propose", args=[bike.pk]), {"my_offer": my_book.pk})
    proposal = Proposal.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/exchange/proposals/{proposal.pk}/"
    assert (proposal.kind, proposal.status, proposal.proposed_by) == ("bilateral", "pending", owner)
    assert set(ProposalItemLock.objects.values_list("item_id", flat=True)) == {bike.pk, my_book.pk}
    legs = {(leg.giver_id, leg.offer_id) for leg in proposal.legs.all()}
    assert legs == {(other.pk, bike.pk), (owner.pk, my_book.pk)}
    note = Notification.objects.get(user=other, type="bilateral_match")
    assert "предлагает обмен" in note.payload["message"] and note.payload["url"].endswith(
        f"/{proposal.pk}/"
    )
    assert not Notification.objects.filter(user=owner, type="bilateral_match").exists()
    # The owner of the bike sees it among their proposals and accepts: confirmed for both.
    client.force_login(other)
    assert f'id="proposal-{proposal.pk}"' in client.get("/exchange/proposals/").content.decode()
    proposal_accept(proposal=proposal, user=other)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.CONFIRMED
    proposal_confirm_receipt(proposal=proposal, user=owner)
    proposal_confirm_receipt(proposal=proposal, user=other)
    proposal.refresh_from_db()
    bike.refresh_from_db()
    assert proposal.status == ProposalStatus.COMPLETED and bike.status == ItemStatus.EXCHANGED


def test_declined_direct_proposal_frees_the_items(client, owner, other, bike, my_book):
    client.force_login(owner)
    client.post(reverse("exchange:item_propose", args=[bike.pk]), {"my_offer": my_book.pk})
    proposal = Proposal.objects.get()
    proposal_decline(proposal=proposal, user=other, reason="Не нужно")
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.DECLINED
    assert not ProposalItemLock.objects.exists()


def test_held_items_cannot_be_proposed_twice(client, owner, other, outsider, bike, my_book):
    client.force_login(owner)
    client.post(reverse("exchange:item_propose", args=[bike.pk]), {"my_offer": my_book.pk})
    their = item(outsider, "offer", "Самокат", 25000)
    client.force_login(outsider)
    r = client.post(
        reverse("exchange:item_propose", args=[bike.pk]), {"my_offer": their.pk}, follow=True
    )
    assert "уже участвует в другом обмене" in r.content.decode()
    assert Proposal.objects.count() == 1


def test_cannot_propose_with_someone_elses_offer_or_to_oneself(client, owner, other, bike, my_book):
    client.force_login(other)
    r = client.post(
        reverse("exchange:item_propose", args=[bike.pk]), {"my_offer": my_book.pk}, follow=True
    )
    assert "Это ваша позиция" in r.content.decode()
    client.force_login(owner)
    r = client.post(
        reverse("exchange:item_propose", args=[bike.pk]), {"my_offer": bike.pk}, follow=True
    )
    assert "Выберите одно из своих активных предложений" in r.content.decode()
    assert not Proposal.objects.exists() and not ProposalItemLock.objects.exists()


def test_want_page_proposal_answers_the_want(client, owner, other, my_book):
    want = item(other, "want", "Книга фантастика", 28000)
    board = item(other, "offer", "Настольная игра", 27000)
    client.force_login(owner)
    page = client.get(reverse("exchange:item_detail", args=[want.pk])).content.decode()
    assert "Настольная игра" in page  # what I can get in return
    client.post(
        reverse("exchange:item_propose", args=[want.pk]),
        {"my_offer": my_book.pk, "their_offer": board.pk},
    )
    proposal = Proposal.objects.get()
    leg = proposal.legs.get(giver=owner)
    assert (leg.offer_id, leg.want_id, leg.receiver_id) == (my_book.pk, want.pk, other.pk)


def test_owner_adds_up_to_five_photos_re_encoded(client, owner, my_book):
    client.force_login(owner)
    url = reverse("exchange:item_photo_add", args=[my_book.pk])
    for i in range(5):
        r = client.post(url, {"photo": upload(f"p{i}.png")}, follow=True)
        assert "Фотография добавлена" in r.content.decode()
    r = client.post(url, {"photo": upload("p6.png")}, follow=True)
    assert "не больше 5 фотографий" in r.content.decode()
    assert ItemPhoto.objects.filter(item=my_book).count() == 5
    photo = ItemPhoto.objects.first()
    assert photo.image.name.endswith(".png") and photo.thumbnail.name.endswith(".jpg")
    page = client.get(reverse("exchange:item_detail", args=[my_book.pk])).content.decode()
    assert "Фотографии: 5 из 5" in page and photo.thumbnail.url in page


def test_not_an_image_is_refused(client, owner, my_book):
    client.force_login(owner)
    fake = upload("evil.png", data=b"<?php echo 1; ?>")
    r = client.post(
        reverse("exchange:item_photo_add", args=[my_book.pk]), {"photo": fake}, follow=True
    )
    assert "не является корректным изображением" in r.content.decode()
    assert not ItemPhoto.objects.exists()


def test_outsider_cannot_add_photos_or_set_condition(client, outsider, my_book):
    client.force_login(outsider)
    r = client.post(reverse("exchange:item_photo_add", args=[my_book.pk]), {"photo": upload()})
    assert r.status_code == 404
    r = client.post(reverse("exchange:item_condition", args=[my_book.pk]), {"condition": "new"})
    assert r.status_code == 404
    my_book.refresh_from_db()
    assert my_book.condition == "" and not ItemPhoto.objects.exists()


def test_condition_is_shown(client, owner, other, my_book):
    client.force_login(owner)
    client.post(reverse("exchange:item_condition", args=[my_book.pk]), {"condition": "like_new"})
    client.force_login(other)
    page = client.get(reverse("exchange:item_detail", args=[my_book.pk])).content.decode()
    assert 'data-field="condition">Как новое<' in page
