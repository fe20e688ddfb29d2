"""LootLink pages. `home` is served at `/` by config/api.py for browsers."""

from apps.market.views.listings import home

__all__ = ["home"]
