from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _repair_search_index(sender, using="default", **kwargs) -> None:
    """SQLite drops a table's triggers when a migration remakes the table: put them back."""
    from django.db import connections

    from apps.market.search import ensure_search_schema

    conn = connections[using]
    if conn.vendor == "sqlite" and "market_listing" in conn.introspection.table_names():
        ensure_search_schema(conn)


class MarketConfig(AppConfig):
    name = "apps.market"
    label = "market"
    verbose_name = "LootLink: маркетплейс"

    def ready(self) -> None:
        from apps.market import caching  # noqa: F401 - connects the cache-version signals

        post_migrate.connect(_repair_search_index, sender=self)
