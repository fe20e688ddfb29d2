"""Shared setup of the browser journeys (Playwright + Debian's Chromium over live_server)."""

from __future__ import annotations

import importlib.util
import os
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; Django's ORM calls from the test
# body are still synchronous, so the async-safety guard would refuse them.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


def _load_root_conftest():
    # This folder is not a package, so inside it `import conftest` finds this file rather than
    # the root one: re-export what the journeys import from there (PASSWORD, make_user).
    path = Path(__file__).resolve().parents[2] / "conftest.py"
    spec = importlib.util.spec_from_file_location("_lootlink_root_conftest", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_root = _load_root_conftest()
PASSWORD = _root.PASSWORD
make_user = _root.make_user


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path, monkeypatch):
    """Uploads go to a temporary MEDIA_ROOT, and the /media/ route serves from it.

    config/urls.py binds `document_root` when it is imported, so the route is pointed at the
    temporary folder too (the root conftest only changes the setting).
    """
    import config.urls

    media = tmp_path / "media"
    media.mkdir()
    settings.MEDIA_ROOT = media
    for pattern in config.urls.urlpatterns:
        if "document_root" in getattr(pattern, "default_args", {}):
            monkeypatch.setitem(pattern.default_args, "document_root", media)


@pytest.fixture
def chromium():
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.skip("Debian's chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
