"""LootLink demo listings for `make run` (embedded default). Idempotent: keyed by title+seller."""

from __future__ import annotations

import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from apps.accounts.models import User
from apps.catalog.models import Game
from apps.market.models import Listing
from apps.market.services.listings import listing_create

# seller username (from the FreeMarket demo), game slug, title, description, price, colours
DEMO_LISTINGS = [
    (
        "demo_aigerim",
        "cs2",
        "AK-47 | Redline (после полевых)",
        "Скин из коллекции Phoenix, float 0.17. Передам через обмен Steam.",
        "2450.00",
        ("#7f1d1d", "#ef4444"),
    ),
    (
        "demo_bolat",
        "dota-2",
        "Аркана на Phantom Assassin",
        "Manifold Paradox, непередаваемый стиль. Передача через подарок.",
        "3190.00",
        ("#1e1b4b", "#6366f1"),
    ),
    (
        "demo_dana",
        "genshin",
        "Аккаунт AR 55 с Райдэн и Нахидой",
        "Привязки сняты, почта в комплекте. Гарантия 14 дней.",
        "7800.00",
        ("#164e63", "#22d3ee"),
    ),
    (
        "demo_erlan",
        "wow",
        "10 000 золота на Гордунни",
        "Передача через аукцион или почту, в течение часа.",
        "990.00",
        ("#713f12", "#facc15"),
    ),
    (
        "demo_timur",
        "valorant",
        "Аккаунт с Reaver Vandal, ранг Platinum",
        "Полный доступ, смена почты при передаче.",
        "5600.00",
        ("#4c0519", "#fb7185"),
    ),
    (
        "demo_saule",
        "minecraft",
        "Лицензия Minecraft Java + Bedrock",
        "Новый аккаунт, сменю ник по желанию.",
        "1490.00",
        ("#14532d", "#4ade80"),
    ),
]


def _cover(label: str, colours: tuple[str, str]) -> SimpleUploadedFile:
    """A simple generated cover image: a two-colour gradient with the game's (Latin) name."""
    width, height = 640, 400
    top = Image.new("RGB", (width, height), colours[0])
    bottom = Image.new("RGB", (width, height), colours[1])
    mask = Image.linear_gradient("L").resize((width, height))
    image = Image.composite(bottom, top, mask)
    draw = ImageDraw.Draw(image)
    draw.text(
        (width // 2, height // 2),
        label.upper(),
        fill="white",
        anchor="mm",
        font_size=96 if len(label) < 8 else 64,
    )
    buf = io.BytesIO()
    image.save(buf, "PNG")
    return SimpleUploadedFile("cover.png", buf.getvalue(), content_type="image/png")


def load_demo() -> int:
    created = 0
    for username, slug, title, description, price, colours in DEMO_LISTINGS:
        seller = User.objects.filter(username=username).first()
        game = Game.objects.filter(slug=slug).first()
        if seller is None or game is None:
            continue
        if Listing.objects.filter(seller=seller, title=title).exists():
            continue
        listing_create(
            seller=seller,
            game=game,
            title=title,
            description=description,
            price=Decimal(price),
            image=_cover(game.name, colours),
        )
        created += 1
    return created
