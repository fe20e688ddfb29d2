"""API docs people can use (issue 20): Russian text for every operation, a readable /docs page
linked from the site's footer and back, Swagger UI served from local static files."""

import re

from apps.common.api_docs_ru import OPS

CYRILLIC = re.compile("[а-яё]", re.IGNORECASE)


def _operations(schema):
    return [
        (method.upper(), path, op)
        for path, ops in schema["paths"].items()
        for method, op in ops.items()
    ]


def test_every_operation_has_a_russian_summary_and_description(client, db):
    schema = client.get("/api/openapi.json").json()
    missing = [
        (m, p)
        for m, p, op in _operations(schema)
        if not CYRILLIC.search(op.get("summary", ""))
        or not CYRILLIC.search(op.get("description", ""))
    ]
    assert missing == []


def test_the_table_has_no_stale_entries(client, db):
    schema = client.get("/api/openapi.json").json()
    live = {(m, p) for m, p, _ in _operations(schema)}
    assert set(OPS) - live == set()


def test_docs_page_lists_every_operation_and_links_back(client, db):
    r = client.get("/docs")
    page = r.content.decode()
    assert r.status_code == 200 and page.startswith("<!doctype html>")
    assert "Создать позицию" in page and "<code>/api/listings/create</code>" in page
    assert page.count('class="api-op card"') == len(OPS)
    assert 'href="/docs/swagger"' in page and 'href="/api/openapi.json"' in page
    assert 'href="/"' in page and 'class="site-header"' in page  # the site around it
    assert "<script>" not in page  # nothing to wait for: no inline or blocking scripts


def test_swagger_ui_uses_local_assets_only(client, db):
    page = client.get("/docs/swagger").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert "cdn." not in page and "unpkg" not in page and "jsdelivr" not in page


def test_footer_links_to_the_docs(client, db):
    page = client.get("/accounts/login/").content.decode()
    assert 'href="/docs"' in page and "API для разработчиков" in page
