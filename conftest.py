"""Root fixtures: three standing users (owner, other, outsider) and API clients for them."""

from __future__ import annotations

import pytest

from apps.common.testing import ApiClient, cache_clear_own_keys, force_login_2fa

PASSWORD = "Sup3r-Secret-Pass!"


@pytest.fixture(autouse=True)
def _clean_cache():
    cache_clear_own_keys()
    yield
    cache_clear_own_keys()


@pytest.fixture(autouse=True)
def _catalog_for_transactional_tests(request):
    """Transactional tests flush the database, and with it the catalog rows that a data
    migration loaded; put them back (serialized_rollback would clash with the flush)."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction"):
        return
    request.getfixturevalue("transactional_db")
    from apps.catalog.loader import load_categories, load_games
    from apps.catalog.models import Category

    if not Category.objects.exists():
        load_categories()
        load_games()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def make_user(username: str, *, city: str = "Алматы", locations=("Алматы",), **extra):
    from apps.accounts.models import User, UserLocation

    user = User.objects.create_user(
        username=username,
        email=f"{username}@example.com",
        password=PASSWORD,
        full_name=extra.pop("full_name", username.title()),
        city=city,
        telegram_contact=f"@{username}_tg",
        **extra,
    )
    for loc in locations:
        UserLocation.objects.create(user=user, city=loc)
    return user


@pytest.fixture
def owner(db):
    return make_user("owner")


@pytest.fixture
def other(db):
    return make_user("other")


@pytest.fixture
def outsider(db):
    return make_user("outsider")


@pytest.fixture
def staff(db):
    return make_user("staffer", is_staff=True)


@pytest.fixture
def anon_api(db):
    return ApiClient()


@pytest.fixture
def api(owner):
    """An API client authenticated as `owner`."""
    return ApiClient(owner)


@pytest.fixture
def other_api(other):
    return ApiClient(other)


@pytest.fixture
def outsider_api(outsider):
    return ApiClient(outsider)


@pytest.fixture
def staff_api(staff):
    return ApiClient(staff)


@pytest.fixture
def admin_client(admin_user):
    """pytest-django's admin client, its session marked as having passed 2FA (staff need it
    for the admin: apps/accounts/admin_site.py)."""
    from django.test import Client

    return force_login_2fa(Client(), admin_user)
