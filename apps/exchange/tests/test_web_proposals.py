import pytest
from django.urls import reverse

from apps.exchange.matching_runs import matching_run
from apps.exchange.models import Proposal, ProposalParticipant, ProposalStatus
from apps.exchange.services import ItemDraft, listing_create


def give_and_want(user, offer, want, value=10000):
    listing_create(
        user=user,
        drafts=[
            ItemDraft(
                item_type="OFFER",
                exchange_type="PERMANENT",
                item_name=offer,
                value_tenge=value,
                category="physical_media",
            ),
            ItemDraft(
                item_type="WANT",
                exchange_type="PERMANENT",
                item_name=want,
                value_tenge=value,
                category="physical_media",
            ),
        ],
    )


@pytest.fixture
def chain(owner, other, outsider, django_user_model):
    from conftest import make_user

    third = make_user("third")
    give_and_want(owner, "Книга Толстого", "Книга Чехова")
    give_and_want(other, "Книга Пушкина", "Книга Толстого")
    give_and_want(third, "Книга Чехова", "Книга Пушкина")
    run = matching_run(trigger="test")
    assert run.status == "success", run.errors
    proposal = Proposal.objects.get()
    assert proposal.kind == "chain"
    return proposal, third


def test_proposals_page_draws_the_cycle_with_my_leg(client, owner, chain):
    proposal, _ = chain
    client.force_login(owner)
    page = client.get(reverse("exchange:proposals")).content.decode()
    assert "<svg" in page and 'class="edge mine"' in page
    assert "Книга Толстого" in page and "Цепочка из 3 участников" in page
    assert 'data-action="accept"' in page


def test_outsider_cannot_see_or_act_on_a_proposal(client, outsider, chain):
    proposal, _ = chain
    client.force_login(outsider)
    assert client.get(reverse("exchange:proposal_detail", args=[proposal.pk])).status_code == 404
    r = client.post(reverse("exchange:proposal_accept", args=[proposal.pk]))
    assert r.status_code == 404
    assert not ProposalParticipant.objects.filter(
        proposal=proposal, accepted_at__isnull=False
    ).exists()


def test_accept_is_post_only(client, owner, chain):
    proposal, _ = chain
    client.force_login(owner)
    assert client.get(reverse("exchange:proposal_accept", args=[proposal.pk])).status_code == 405


def test_all_accept_then_confirm_then_rate_through_the_web(client, owner, other, chain):
    proposal, third = chain
    for user in (owner, other, third):
        client.force_login(user)
        r = client.post(reverse("exchange:proposal_accept", args=[proposal.pk]), follow=True)
        assert r.status_code == 200
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.CONFIRMED
    client.force_login(owner)
    page = client.get(reverse("exchange:proposal_detail", args=[proposal.pk])).content.decode()
    assert "@other_tg" in page and 'data-action="confirm-receipt"' in page
    for user in (owner, other, third):
        client.force_login(user)
        client.post(reverse("exchange:proposal_confirm_receipt", args=[proposal.pk]))
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.COMPLETED
    client.force_login(owner)
    r = client.post(
        reverse("exchange:proposal_rate", args=[proposal.pk]),
        {"rated_id": other.pk, "score": "5", "comment": "Спасибо"},
        follow=True,
    )
    assert "Спасибо за оценку" in r.content.decode()
    other.refresh_from_db()
    assert other.rating_avg == 5.0


def test_second_accept_shows_error_message(client, owner, chain):
    proposal, _ = chain
    client.force_login(owner)
    client.post(reverse("exchange:proposal_accept", args=[proposal.pk]))
    r = client.post(reverse("exchange:proposal_accept", args=[proposal.pk]), follow=True)
    assert r.status_code == 200
    assert (
        ProposalParticipant.objects.filter(proposal=proposal, accepted_at__isnull=False).count()
        == 1
    )


def test_decline_through_the_web(client, owner, chain):
    proposal, _ = chain
    client.force_login(owner)
    client.post(reverse("exchange:proposal_decline", args=[proposal.pk]), {"reason": "Далеко"})
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.DECLINED


def test_discover_button_finds_the_chain(client, owner, other):
    from conftest import make_user

    third = make_user("third")
    give_and_want(owner, "Книга Толстого", "Книга Чехова")
    give_and_want(other, "Книга Пушкина", "Книга Толстого")
    give_and_want(third, "Книга Чехова", "Книга Пушкина")
    Proposal.objects.all().delete()  # whatever ran by itself after the listings changed
    client.force_login(owner)
    r = client.post(reverse("exchange:proposal_discover"), follow=True)
    assert "Найдено новых обменов: 1" in r.content.decode()
    assert Proposal.objects.filter(participants__user=owner).count() == 1


def test_discover_with_nothing_new_points_at_the_existing_proposal(client, owner, chain):
    proposal, _ = chain
    client.force_login(owner)
    r = client.post(reverse("exchange:proposal_discover"), follow=True)
    page = r.content.decode()
    assert "Новых обменов пока нет" not in page
    assert "Новых вариантов не нашлось. Ваши открытые предложения (1) — в списке ниже." in page
    assert f'id="proposal-{proposal.pk}"' in page


def test_discover_with_nothing_at_all_says_so(client, outsider):
    client.force_login(outsider)
    r = client.post(reverse("exchange:proposal_discover"), follow=True)
    assert "Подходящих обменов пока нет" in r.content.decode()
