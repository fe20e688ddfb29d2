"""Uploaded images: checked by content, re-encoded without metadata, with a list thumbnail.

Nothing from the upload is stored as-is: Pillow decodes it (so a renamed script or a
decompression bomb is refused), and the pixels are written into a fresh file, which drops EXIF
(GPS, camera serials), ICC, XMP and comments.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from PIL import Image, ImageOps, UnidentifiedImageError

from apps.common.errors import ValidationFailed

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000
MAX_SIDE = 1600  # stored image, longest side
THUMB_SIZE = (480, 360)  # card grid, 4:3
AVATAR_SIZE = (256, 256)
ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
# Output format per input: GIF keeps its first frame, as PNG (lossless, no animation tricks).
OUTPUT = {
    "JPEG": ("JPEG", "jpg"),
    "PNG": ("PNG", "png"),
    "WEBP": ("WEBP", "webp"),
    "GIF": ("PNG", "png"),
}


@dataclass(frozen=True)
class ProcessedImage:
    image: ContentFile
    thumbnail: ContentFile


def _open_checked(upload: UploadedFile) -> tuple[Image.Image, str]:
    if upload.size is not None and upload.size > MAX_BYTES:
        raise ValidationFailed("Файл больше 5 МБ", code="image_too_large")
    upload.seek(0)
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ValidationFailed("Файл больше 5 МБ", code="image_too_large")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(data))
            fmt = probe.format or ""
            if fmt not in ALLOWED_FORMATS:
                raise ValidationFailed(
                    "Допустимы только изображения JPEG, PNG, WebP или GIF", code="image_format"
                )
            width, height = probe.size
            if width * height > MAX_PIXELS:
                raise ValidationFailed(
                    "Слишком большое изображение (больше 40 мегапикселей)", code="image_pixels"
                )
            probe.verify()  # structural check; the image must be reopened afterwards
            image = Image.open(io.BytesIO(data))
            image.load()
    except ValidationFailed:
        raise
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
        OSError,
        SyntaxError,
        ValueError,
    ) as exc:
        raise ValidationFailed(
            "Файл не является корректным изображением", code="image_invalid"
        ) from exc
    return image, fmt


def _normalise(image: Image.Image, fmt: str) -> Image.Image:
    if getattr(image, "n_frames", 1) > 1:
        image.seek(0)
    image = ImageOps.exif_transpose(image)  # apply the orientation before EXIF is dropped
    keeps_alpha = OUTPUT[fmt][0] in {"PNG", "WEBP"}
    if keeps_alpha and image.mode in {"RGBA", "LA", "P"}:
        return image.convert("RGBA")
    if image.mode != "RGB":
        return _flatten(image)
    return image


def _flatten(image: Image.Image) -> Image.Image:
    """RGB over a white background (JPEG has no alpha)."""
    rgba = image.convert("RGBA")
    background = Image.new("RGB", rgba.size, (255, 255, 255))
    background.paste(rgba, mask=rgba.getchannel("A"))
    return background


def _encode(image: Image.Image, fmt: str) -> bytes:
    buffer = io.BytesIO()
    if fmt == "JPEG":
        image.save(buffer, "JPEG", quality=85, optimize=True, progressive=True)
    elif fmt == "WEBP":
        image.save(buffer, "WEBP", quality=85, method=4)
    else:
        image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def image_process(
    upload: UploadedFile, *, thumb_size: tuple[int, int] = THUMB_SIZE
) -> ProcessedImage:
    """Validate an upload and return the re-encoded image and its JPEG thumbnail."""
    image, fmt = _open_checked(upload)
    image = _normalise(image, fmt)
    out_format, ext = OUTPUT[fmt]
    main = image.copy()
    main.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    thumb = ImageOps.fit(
        _flatten(image) if image.mode != "RGB" else image, thumb_size, Image.Resampling.LANCZOS
    )
    return ProcessedImage(
        image=ContentFile(_encode(main, out_format), name=f"image.{ext}"),
        thumbnail=ContentFile(_encode(thumb, "JPEG"), name="thumb.jpg"),
    )


def avatar_process(upload: UploadedFile) -> ContentFile:
    """A square JPEG avatar, re-encoded without metadata."""
    thumb = image_process(upload, thumb_size=AVATAR_SIZE).thumbnail
    return ContentFile(thumb.read(), name="avatar.jpg")
