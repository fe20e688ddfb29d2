"""A realistic market for demos and the load benchmark: `manage.py seed_market`.

Users, LootLink listings (with a handful of generated JPEG covers reused), FreeMarket wants and
offers, a few chats and notifications. Everything goes in with `bulk_create` in batches, so
10 000 listings take seconds, not minutes. Search indexes are kept by database triggers, so
bulk inserts are searchable at once. Deterministic for a given `seed`; appends on every call.
"""

from __future__ import annotations

import io
import math
import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify
from PIL import Image, ImageDraw

from apps.accounts.models import City, User, UserLocation
from apps.catalog.loader import _read
from apps.catalog.models import Category, CategoryVersion, Game
from apps.chat.models import Conversation, ConversationParticipant, Message, ParticipantRole
from apps.exchange.models import Listing as ExchangeListing
from apps.exchange.models import ListingItem
from apps.market.models import Listing, ListingStatus
from apps.notifications.models import Notification

BATCH = 1000
SEED_PASSWORD = "seed-password-1"  # every seeded user logs in with it (demo data only)
IMAGE_VARIANTS = 8

FIRST_NAMES = ["Айгерим", "Болат", "Дана", "Ерлан", "Тимур", "Сауле", "Алия", "Нурлан",
               "Маша", "Иван", "Олег", "Катя", "Артём", "Светлана", "Руслан", "Жанна"]  # fmt: skip
# (noun, adjectives, suffixes): titles like "Легендарный меч дракона +15"
ITEMS = [
    ("меч", ["Легендарный", "Огненный", "Древний", "Проклятый"], ["дракона", "+15", "героя"]),
    ("лук", ["Эльфийский", "Ледяной", "Редкий"], ["охотника", "с рунами", "+10"]),
    ("нож", ["Керамбит", "Бабочка", "Штык-нож", "Фальшион"], ["| Градиент", "| Доплер", "| Убийство"]),
    ("аккаунт", ["Прокачанный", "Топовый", "Новый", "Старый"], ["80 уровня", "с редкими скинами", "с донатом", "с почтой"]),
    ("золото", ["10 000", "50 000", "100 000", "1 000 000"], ["на сервере Гордунни", "быстрая передача", "на любом сервере"]),
    ("скин", ["Редкий", "Коллекционный", "Лимитированный"], ["AK-47 | Redline", "AWP | Asiimov", "M4A1-S | Hyper Beast"]),
    ("броня", ["Мифическая", "Тяжёлая", "Эпическая"], ["стража", "паладина", "сет 6/6"]),
    ("кристаллы", ["500", "1200", "6480"], ["доната", "с бонусом", "на аккаунт"]),
    ("буст", ["Быстрый", "Безопасный"], ["рейтинга до 3000", "до Алмаза", "ранга за сутки"]),
    ("питомец", ["Редкий", "Летающий", "Легендарный"], ["феникс", "дракончик", "волк"]),
]  # fmt: skip
DESCRIPTIONS = [
    "Передам сразу после оплаты, обычно в течение часа.",
    "Торг уместен. Работаю через сделку на сайте, отзывы в профиле.",
    "Проверено, без банов и ограничений. Отвечу на вопросы в чате.",
    "Полный доступ, привязки сняты. Гарантия 14 дней.",
    "Передача через обмен в игре или через подарок.",
]
FM_THINGS = ["Велосипед", "Дрель", "Палатка", "Гитара", "Книги по Python", "Самокат",
             "Фотоаппарат", "Кофемашина", "Детская коляска", "Настольная игра", "Сноуборд",
             "Швейная машинка", "Монитор 27 дюймов", "Уроки английского", "Ремонт техники"]  # fmt: skip
COLOURS = [("#7f1d1d", "#ef4444"), ("#1e1b4b", "#6366f1"), ("#164e63", "#22d3ee"),
           ("#713f12", "#facc15"), ("#4c0519", "#fb7185"), ("#14532d", "#4ade80"),
           ("#312e81", "#a78bfa"), ("#0f172a", "#38bdf8")]  # fmt: skip
CITIES = [c.value for c in City]


@dataclass(frozen=True)
class SeedResult:
    users: int
    games: int
    listings: int
    items: int


@contextmanager
def _own_timestamps(*models) -> Iterator[None]:
    """Let bulk_create keep the spread-out created_at we set (auto_now_add would overwrite)."""
    fields = [m._meta.get_field("created_at") for m in models]
    saved = [f.auto_now_add for f in fields]
    for f in fields:
        f.auto_now_add = False
    try:
        yield
    finally:
        for f, value in zip(fields, saved, strict=True):
            f.auto_now_add = value


def _jpeg(size: tuple[int, int], colours: tuple[str, str], label: str) -> bytes:
    top, bottom = (Image.new("RGB", size, c) for c in colours)
    mask = Image.linear_gradient("L").resize(size)
    image = Image.composite(bottom, top, mask)
    ImageDraw.Draw(image).text(
        (size[0] // 2, size[1] // 2), label, fill="white", anchor="mm", font_size=size[1] // 5
    )
    buf = io.BytesIO()
    image.save(buf, "JPEG", quality=80, optimize=True)
    return buf.getvalue()


def _images(rng: random.Random) -> list[tuple[str, str]]:
    """A handful of (image, thumbnail) storage names, generated once per run and reused."""
    out = []
    tag = f"{rng.getrandbits(32):08x}"
    for i, colours in enumerate(COLOURS[:IMAGE_VARIANTS]):
        image = default_storage.save(
            f"listings/seed/{tag}-{i}.jpg", ContentFile(_jpeg((800, 600), colours, f"#{i + 1}"))
        )
        thumb = default_storage.save(
            f"listings/thumbs/seed/{tag}-{i}.jpg",
            ContentFile(_jpeg((480, 360), colours, f"#{i + 1}")),
        )
        out.append((image, thumb))
    return out


def _ensure_games(count: int) -> list[Game]:
    """The loaded games, topped up from the catalogue's game names to at least `count`."""
    games = list(Game.objects.all())
    if len(games) >= count:
        return games
    taken = {g.slug for g in games} | {g.name for g in games}
    new = []
    for entry in _read("games.json")["catalog"]:
        name = entry["name"].strip()
        slug = slugify(name)[:64]
        if not slug or slug in taken or name in taken:
            continue
        taken |= {slug, name}
        new.append(Game(name=name, slug=slug, item_kinds=entry.get("kinds", [])[:6]))
        if len(games) + len(new) >= count:
            break
    Game.objects.bulk_create(new, batch_size=BATCH)
    return list(Game.objects.all())


def _price(rng: random.Random) -> Decimal:
    value = math.exp(rng.uniform(math.log(50), math.log(50_000)))
    return Decimal(str(round(value, -1) if value > 100 else round(value))).quantize(Decimal("1.00"))


def _title(rng: random.Random, game: Game) -> str:
    noun, adjectives, suffixes = rng.choice(ITEMS)
    adjective = rng.choice(adjectives)
    title = f"{adjective} {noun} {rng.choice(suffixes)}"
    if rng.random() < 0.3:
        title += f" ({game.name})"
    return title[:120]


def _created(rng: random.Random, now) -> object:
    return now - timedelta(seconds=rng.randint(0, 90 * 24 * 3600))


def _seed_users(rng, count: int, now) -> list[User]:
    start = User.objects.count()
    password = make_password(SEED_PASSWORD)
    users = []
    for n in range(start, start + count):
        rating_count = rng.choice([0, 0, 1, 3, 8, 20])
        users.append(
            User(
                username=f"seed_{n:06d}",
                email=f"seed_{n:06d}@example.com",
                password=password,
                full_name=f"{rng.choice(FIRST_NAMES)} {n}",
                city=rng.choice(CITIES),
                rating_count=rating_count,
                rating_sum=sum(rng.randint(3, 5) for _ in range(rating_count)),
                created_at=_created(rng, now),
            )
        )
    with _own_timestamps(User):
        User.objects.bulk_create(users, batch_size=BATCH)
    users = list(User.objects.filter(username__startswith="seed_").order_by("-pk")[:count])
    locations = [
        UserLocation(user=u, city=city)
        for u in users
        for city in rng.sample(CITIES, rng.randint(1, 2))
    ]
    UserLocation.objects.bulk_create(locations, batch_size=BATCH, ignore_conflicts=True)
    return users


def _seed_listings(rng, count: int, users: list[User], games: list[Game], now) -> None:
    images = _images(rng)
    statuses = [ListingStatus.ACTIVE] * 17 + [ListingStatus.RESERVED, ListingStatus.SOLD]
    batch: list[Listing] = []
    with _own_timestamps(Listing):
        for _ in range(count):
            game = rng.choice(games)
            title = _title(rng, game)
            description = rng.choice(DESCRIPTIONS)
            image, thumb = rng.choice(images)
            created = _created(rng, now)
            batch.append(
                Listing(
                    seller=rng.choice(users),
                    game=game,
                    title=title,
                    description=description,
                    price=_price(rng),
                    image=image,
                    thumbnail=thumb,
                    status=rng.choice(statuses),
                    search_text=f"{title} {description}".lower(),
                    created_at=created,
                    updated_at=created,
                )
            )
            if len(batch) >= BATCH:
                Listing.objects.bulk_create(batch)
                batch = []
        Listing.objects.bulk_create(batch)


def _seed_items(rng, count: int, users: list[User], now) -> None:
    version = CategoryVersion.objects.filter(is_active=True).first()
    cats = list(Category.objects.filter(version=version)) if version else []
    by_type = {t: [c for c in cats if c.exchange_type == t] for t in ("PERMANENT", "TEMPORARY")}
    owners = rng.sample(users, min(len(users), max(1, count // 10)))
    parents = ExchangeListing.objects.bulk_create(
        [ExchangeListing(user=u) for u in owners], batch_size=BATCH
    )
    batch: list[ListingItem] = []
    with _own_timestamps(ListingItem):
        for _ in range(count):
            parent = rng.choice(parents)
            exchange_type = "TEMPORARY" if rng.random() < 0.2 else "PERMANENT"
            name = f"{rng.choice(FM_THINGS)} {rng.choice(['б/у', 'новый', 'в хорошем состоянии'])}"
            description = rng.choice(DESCRIPTIONS)
            created = _created(rng, now)
            batch.append(
                ListingItem(
                    listing=parent,
                    user_id=parent.user_id,
                    item_type=rng.choice(["WANT", "OFFER"]),
                    exchange_type=exchange_type,
                    category=rng.choice(by_type[exchange_type]) if by_type[exchange_type] else None,
                    item_name=name,
                    description=description,
                    value_tenge=rng.randrange(1_000, 500_000, 500),
                    duration_days=rng.choice([7, 14, 30]) if exchange_type == "TEMPORARY" else None,
                    search_text=f"{name} {description}".lower(),
                    created_at=created,
                    updated_at=created,
                )
            )
            if len(batch) >= BATCH:
                ListingItem.objects.bulk_create(batch)
                batch = []
        ListingItem.objects.bulk_create(batch)


def _seed_social(rng, users: list[User]) -> None:
    """Chats and notifications for the first users, so the logged-in pages have content."""
    listings = list(Listing.objects.order_by("-pk").values_list("pk", "seller_id")[:500])
    if len(users) < 2 or not listings:
        return
    for user in users[:20]:
        for listing_id, seller_id in rng.sample(listings, min(5, len(listings))):
            if seller_id == user.pk:
                continue
            conv = Conversation.objects.create(listing_id=listing_id)
            ConversationParticipant.objects.bulk_create(
                [
                    ConversationParticipant(
                        conversation=conv, user=user, role=ParticipantRole.BUYER
                    ),
                    ConversationParticipant(
                        conversation=conv, user_id=seller_id, role=ParticipantRole.SELLER
                    ),
                ]
            )
            Message.objects.bulk_create(
                [
                    Message(conversation=conv, sender=user, content="Здравствуйте, ещё продаёте?"),
                    Message(conversation=conv, sender_id=seller_id, content="Да, пишите."),
                ]
            )
        Notification.objects.bulk_create(
            [
                Notification(user=user, type="chat_message", payload={"text": "Новое сообщение"})
                for _ in range(10)
            ]
        )


def seed_market(
    *,
    users: int,
    listings: int,
    items: int,
    games: int = 50,
    seed: int = 0,
    log: Callable[[str], None] = lambda _msg: None,
) -> SeedResult:
    rng = random.Random(seed)
    now = timezone.now()
    with transaction.atomic():
        game_rows = _ensure_games(games)
        log(f"games: {len(game_rows)}")
        user_rows = _seed_users(rng, max(users, 2), now)
        log(f"users: +{len(user_rows)}")
    with transaction.atomic():
        _seed_listings(rng, listings, user_rows, game_rows, now)
        log(f"listings: +{listings}")
    with transaction.atomic():
        _seed_items(rng, items, user_rows, now)
        log(f"wants/offers: +{items}")
        _seed_social(rng, user_rows)
    with connection.cursor() as cursor:  # fresh planner statistics after a bulk load
        cursor.execute("ANALYZE")
    return SeedResult(users=len(user_rows), games=len(game_rows), listings=listings, items=items)
