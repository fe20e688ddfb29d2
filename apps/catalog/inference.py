"""Suggest a v6 category for an item from its name and description.

Each category has a bag of keyword lemmas: the lemmas of its own name plus a curated list of
everyday words below. An item's lemmas (pymorphy3, through `matching.text.lemmas`) vote for
categories; words from the name count twice. The best category of the item's exchange type wins
when it has any vote; otherwise there is no suggestion.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from matching.text import lemmas

KEYWORDS: dict[tuple[str, str], str] = {
    ("PERMANENT", "personal_transport"): "машина автомобиль мотоцикл мопед скутер авто прицеп",
    (
        "PERMANENT",
        "electric_vehicles",
    ): "электросамокат электровелосипед дрон квадрокоптер гироскутер моноколесо",
    ("PERMANENT", "parts_consumables"): "запчасть шина колесо диск аккумулятор масло фильтр деталь",
    (
        "PERMANENT",
        "hand_power_tools",
    ): "дрель перфоратор шуруповёрт болгарка пила молоток отвёртка инструмент лобзик",
    ("PERMANENT", "production_facilities"): "станок верстак печь установка оборудование",
    ("PERMANENT", "building_materials"): "дверь окно панель крепёж кирпич цемент доска плитка",
    ("PERMANENT", "photo_equipment"): "фотоаппарат камера объектив микрофон оптика бинокль",
    ("PERMANENT", "lighting_equipment"): "лампа свет прожектор софтбокс рекордер",
    ("PERMANENT", "software_programs"): "программа код шаблон дизайн софт скрипт сайт",
    ("PERMANENT", "media_content"): "музыка видео nft трек клип",
    ("PERMANENT", "intellectual_property"): "лицензия патент право",
    ("PERMANENT", "completed_projects"): "проект разработка контент",
    ("PERMANENT", "services_work"): "ремонт монтаж обучение услуга установка",
    ("PERMANENT", "property"): "квартира дом гараж участок студия комната",
    ("PERMANENT", "property_rights"): "доля собственность",
    ("PERMANENT", "garden_equipment"): "газонокосилка шланг полив сад теплица триммер",
    ("PERMANENT", "decor_elements"): "забор ограждение декор",
    (
        "PERMANENT",
        "furniture_appliances",
    ): "диван стол стул шкаф кровать холодильник стиральный машинка пылесос микроволновка телевизор ноутбук компьютер телефон смартфон планшет монитор чайник",
    ("PERMANENT", "decor_textiles"): "ковёр зеркало штора текстиль плед подушка",
    (
        "PERMANENT",
        "clothing_footwear",
    ): "куртка пальто обувь кроссовки платье джинсы сумка часы украшение одежда шапка",
    ("PERMANENT", "vintage_luxury"): "винтаж коллекционный премиум",
    ("PERMANENT", "games_collectibles"): "настольный игра фигурка комикс карточка пазл",
    ("PERMANENT", "models_merch"): "модель игрушка мерч конструктор лего кукла",
    ("PERMANENT", "physical_media"): "книга учебник журнал винил пластинка cd dvd ноты роман",
    ("PERMANENT", "antiques_rare"): "антиквариат редкий издание старинный",
    ("PERMANENT", "beauty_cosmetics"): "косметика духи парфюм крем помада фен",
    ("PERMANENT", "health_devices"): "тонометр массажёр тренажёр ингалятор",
    (
        "PERMANENT",
        "plants_animals",
    ): "растение цветок семена котёнок щенок рыбка аквариум кошка собака",
    ("PERMANENT", "breeding_care"): "разведение корм уход",
    ("PERMANENT", "farm_products"): "мёд зерно картофель овощ фрукт яйцо молоко заготовка варенье",
    ("PERMANENT", "natural_resources"): "дрова уголь вода",
    ("PERMANENT", "courses_materials"): "курс методичка учебник пособие конспект",
    ("PERMANENT", "intellectual_constructions"): "наработка методика идея",
    ("PERMANENT", "money_crypto"): "деньги биткоин криптовалюта токен доллар тенге",
    ("PERMANENT", "securities_assets"): "акция облигация доля актив",
    ("TEMPORARY", "bicycles"): "велосипед самокат гироскутер велик беговел",
    ("TEMPORARY", "electric_transport"): "электросамокат электровелосипед моноколесо",
    ("TEMPORARY", "carsharing"): "машина автомобиль прицеп спецтехника каршеринг",
    ("TEMPORARY", "hand_tools"): "дрель перфоратор шуруповёрт болгарка пила инструмент лобзик",
    ("TEMPORARY", "printers_equipment"): "принтер станок 3d лабораторный",
    ("TEMPORARY", "construction_tools"): "леса стремянка бетономешалка мероприятие",
    ("TEMPORARY", "photo_equipment"): "фотоаппарат камера объектив дрон квадрокоптер",
    ("TEMPORARY", "video_audio"): "свет звук микрофон рекордер колонка",
    ("TEMPORARY", "production_kits"): "съёмка трансляция подкаст стрим",
    ("TEMPORARY", "cloud_resources"): "gpu cpu сервер хостинг облако storage",
    ("TEMPORARY", "api_access"): "api модель нейросеть доступ",
    ("TEMPORARY", "software_licenses"): "подписка лицензия аккаунт",
    ("TEMPORARY", "network_resources"): "интернет канал мощность",
    ("TEMPORARY", "money_crypto"): "деньги заём долг криптовалюта тенге",
    ("TEMPORARY", "trusted_equivalent"): "эквивалент залог",
    ("TEMPORARY", "tutoring"): "репетитор консультация ментор урок занятие",
    ("TEMPORARY", "task_execution"): "помощь задача переезд",
    ("TEMPORARY", "time_resource"): "время час",
    ("TEMPORARY", "housing_rental"): "квартира комната офис склад жильё",
    ("TEMPORARY", "coworking_spaces"): "коворкинг студия площадка зал",
    ("TEMPORARY", "pet_sitting"): "передержка питомец кошка собака полив",
    ("TEMPORARY", "temporary_care"): "уход сиделка няня",
    (
        "TEMPORARY",
        "sports_equipment",
    ): "палатка лыжи сноуборд спальник рюкзак коньки мяч тренажёр байдарка",
    (
        "TEMPORARY",
        "board_games",
    ): "настольный игра vr гитара синтезатор пианино приставка playstation",
    ("TEMPORARY", "props_rental"): "костюм реквизит декорация",
}


@dataclass(frozen=True)
class Suggestion:
    slug: str
    score: float


@lru_cache(maxsize=1)
def _index() -> dict[str, dict[str, set[str]]]:
    """exchange type -> lemma -> slugs, built from category names and KEYWORDS."""
    from apps.catalog.selectors import categories_for_version

    index: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for category in categories_for_version():
        words = f"{category.name} {KEYWORDS.get((category.exchange_type, category.slug), '')}"
        for lemma in set(lemmas(words)):
            index[category.exchange_type][lemma].add(category.slug)
    return index


def suggest_category(*, exchange_type: str, name: str, description: str = "") -> Suggestion | None:
    """The most likely category slug for an item, or None when nothing in the text points to one."""
    index = _index().get(exchange_type, {})
    votes: dict[str, float] = defaultdict(float)
    for weight, text in ((2.0, name), (1.0, description)):
        for lemma in set(lemmas(text)):
            for slug in index.get(lemma, ()):
                votes[slug] += weight / len(index[lemma])
    if not votes:
        return None
    slug = max(sorted(votes), key=lambda s: votes[s])
    return Suggestion(slug=slug, score=round(votes[slug], 3))


def reset_cache() -> None:
    _index.cache_clear()
