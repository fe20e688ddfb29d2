"""Per-face footers and currencies (issue 20): barter pages say tenge, LootLink pages roubles."""

from apps.exchange.tests.test_web_proposals import give_and_want


def test_freemarket_pages_have_the_freemarket_footer_in_tenge(client, owner):
    client.force_login(owner)
    for path in ("/exchange/", "/exchange/proposals/", "/exchange/browse/offers/"):
        page = client.get(path).content.decode()
        assert "Стоимость вещей указана в тенге (₸)" in page, path
        assert "Цены указаны в рублях" not in page, path
        assert 'href="/docs"' in page


def test_lootlink_pages_keep_the_rouble_footer(client, owner):
    page = client.get("/games/").content.decode()
    assert "Цены указаны в рублях (₽)" in page and "тенге" not in page
    assert 'href="/docs"' in page


def test_browse_shows_the_username_never_the_real_name(client, owner, other):
    other.full_name = "Иван Петрович Сидоров"
    other.save(update_fields=["full_name"])
    give_and_want(other, "Книга Пушкина", "Книга Толстого")
    client.force_login(owner)
    page = client.get("/exchange/browse/offers/").content.decode()
    assert "Книга Пушкина" in page and other.username in page
    assert "Сидоров" not in page
