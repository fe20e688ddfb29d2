"""/v1/categories cached (perf, #16): same body as uncached, unknown versions never cached."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db


def test_cached_categories_match_the_uncached_answer(client, settings):
    settings.CATALOG_CACHE_SECONDS = 0
    plain = client.get("/v1/categories").json()
    settings.CATALOG_CACHE_SECONDS = 60
    first = client.get("/v1/categories").json()
    with CaptureQueriesContext(connection) as ctx:
        second = client.get("/v1/categories").json()
    assert plain == first == second
    assert ctx.captured_queries == []
    assert plain["categories"]["permanent"]
    assert set(plain["categories"]["permanent"][0]) >= {"slug", "name", "group", "form_schema"}


def test_unknown_version_is_404_every_time(client, settings):
    settings.CATALOG_CACHE_SECONDS = 60
    assert client.get("/v1/categories", {"version": "v0"}).status_code == 404
    assert client.get("/v1/categories", {"version": "v0"}).status_code == 404
