"""Delivery: compressed HTML, hashed static files in production, cacheable uploads."""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.http import HttpResponse, StreamingHttpResponse
from django.test import RequestFactory

from apps.common.compression import CompressionMiddleware
from apps.market.tests.factories import HTML, make_listing

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.django_db
def test_html_is_sent_gzipped_to_browsers_that_accept_it(client, owner):
    make_listing(owner, title="Сжатый меч")
    r = client.get("/", HTTP_ACCEPT_ENCODING="gzip, br", **HTML)
    assert r.status_code == 200
    assert r["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in r["Vary"]
    assert "Сжатый меч" in gzip.decompress(r.content).decode()


@pytest.mark.django_db
def test_html_is_plain_without_accept_encoding(client, owner):
    make_listing(owner, title="Обычный меч")
    r = client.get("/", **HTML)
    assert "Content-Encoding" not in r
    assert "Обычный меч" in r.content.decode()


def test_event_streams_are_never_compressed():
    request = RequestFactory().get("/api/events/stream", HTTP_ACCEPT_ENCODING="gzip")
    stream = StreamingHttpResponse(iter([b"data: 1\n\n"] * 50), content_type="text/event-stream")
    middleware = CompressionMiddleware(lambda r: stream)
    response = middleware(request)
    assert "Content-Encoding" not in response
    page = HttpResponse(b"<p>" + b"x" * 500 + b"</p>", content_type="text/html")
    assert CompressionMiddleware(lambda r: page)(request)["Content-Encoding"] == "gzip"


def test_uploaded_images_are_cached_for_a_year(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "listings").mkdir()
    (tmp_path / "listings" / "abc.jpg").write_bytes(b"\xff\xd8\xff" + b"0" * 100)
    r = client.get("/media/listings/abc.jpg")
    assert r.status_code == 200
    assert r["Cache-Control"] == "public, max-age=31536000, immutable"
    assert client.get("/media/listings/missing.jpg").status_code == 404


def test_production_static_storage_is_content_hashed_and_compressed():
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "TESTING"}}
    code = (
        "import config.settings as s; print(s.STORAGES['staticfiles']['BACKEND']); "
        "m = s.MIDDLEWARE; print(m.index('apps.common.compression.CompressionMiddleware')); "
        "print(m.index('django.contrib.sessions.middleware.SessionMiddleware'))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    assert out[0] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert int(out[1]) < int(out[2])  # outside everything that renders or alters a response
