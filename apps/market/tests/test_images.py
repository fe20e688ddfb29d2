import io

import pytest
from PIL import Image

from apps.common.errors import ValidationFailed
from apps.market import images
from apps.market.tests.factories import image_bytes, upload


def _open(content_file):
    content_file.seek(0)
    return Image.open(io.BytesIO(content_file.read()))


def test_jpeg_is_reencoded_without_exif():
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"  # Make
    exif[0x8825] = {1: "N"}  # GPS IFD
    data = image_bytes("JPEG", size=(800, 600), exif=exif.tobytes())
    assert Image.open(io.BytesIO(data)).getexif()
    result = images.image_process(upload("photo.jpg", data, "image/jpeg"))
    stored = _open(result.image)
    assert stored.format == "JPEG"
    assert not stored.getexif()
    thumb = _open(result.thumbnail)
    assert thumb.size == images.THUMB_SIZE


@pytest.mark.parametrize("fmt", ["PNG", "WEBP", "GIF"])
def test_supported_formats_are_accepted(fmt):
    result = images.image_process(upload(f"x.{fmt.lower()}", image_bytes(fmt)))
    assert _open(result.image).format in {"PNG", "WEBP"}


def test_large_image_is_scaled_down():
    result = images.image_process(upload("big.png", image_bytes("PNG", size=(3000, 1000))))
    assert max(_open(result.image).size) == images.MAX_SIDE


def test_unsupported_format_is_refused():
    with pytest.raises(ValidationFailed) as exc:
        images.image_process(upload("x.bmp", image_bytes("BMP")))
    assert exc.value.code == "image_format"


def test_garbage_is_refused():
    with pytest.raises(ValidationFailed) as exc:
        images.image_process(upload("x.png", b"\x89PNG not really"))
    assert exc.value.code == "image_invalid"


def test_file_over_5_mb_is_refused():
    with pytest.raises(ValidationFailed) as exc:
        images.image_process(upload("x.png", b"0" * (images.MAX_BYTES + 1)))
    assert exc.value.code == "image_too_large"


def test_too_many_pixels_is_refused(monkeypatch):
    monkeypatch.setattr(images, "MAX_PIXELS", 100 * 100)
    with pytest.raises(ValidationFailed) as exc:
        images.image_process(upload("x.png", image_bytes("PNG", size=(101, 100))))
    assert exc.value.code == "image_pixels"
