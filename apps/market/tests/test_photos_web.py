"""Up to eight photos per listing, each checked and re-encoded, shown as a gallery."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from apps.market.models import Listing, ListingPhoto
from apps.market.tests.factories import HTML, game, image_bytes, snapshot


def _png(name="p.png", color=(10, 200, 10)):
    return SimpleUploadedFile(name, image_bytes(color=color), "image/png")


def _jpeg_with_exif():
    buffer = io.BytesIO()
    image = Image.new("RGB", (64, 48), (1, 2, 3))
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"  # Make
    image.save(buffer, "JPEG", exif=exif)
    return SimpleUploadedFile("e.jpg", buffer.getvalue(), "image/jpeg")


def _create(client, photos, **extra):
    data = {
        "game": game().pk,
        "title": "Нож",
        "description": "D",
        "price": "100",
        "image": _png("main.png"),
        "photos": photos,
        **extra,
    }
    return client.post("/listing/create/", data)


def test_seller_uploads_several_photos_and_buyers_see_a_gallery(client, owner):
    client.force_login(owner)
    r = _create(client, [_png("a.png"), _jpeg_with_exif(), _png("c.png")])
    assert r.status_code == 302
    listing = Listing.objects.get()
    photos = list(listing.photos.all())
    assert [p.position for p in photos] == [0, 1, 2]
    for photo in photos:
        assert photo.image.storage.exists(photo.image.name)
        assert photo.thumbnail.name.endswith(".jpg")
    stored = Image.open(photos[1].image.path)
    assert not stored.getexif()  # metadata dropped
    client.logout()
    body = client.get(listing.get_absolute_url(), **HTML).content.decode()
    assert body.count('class="gallery-slide"') == 4
    assert 'href="#photo-4"' in body
    assert photos[2].image.url in body


def test_more_than_eight_photos_are_refused_and_nothing_is_saved(client, owner):
    client.force_login(owner)
    r = _create(client, [_png(f"{i}.png") for i in range(8)])  # 1 + 8 = 9
    assert r.status_code == 400
    assert "Не больше 8 фото" in r.content.decode()
    assert not Listing.objects.exists()
    assert not ListingPhoto.objects.exists()


def test_a_fake_photo_is_refused(client, owner):
    client.force_login(owner)
    fake = SimpleUploadedFile("x.png", b"<?php echo 1; ?>", "image/png")
    r = _create(client, [_png(), fake])
    assert r.status_code == 400
    assert not Listing.objects.exists()


def test_seller_adds_and_removes_photos_when_editing(client, owner):
    client.force_login(owner)
    _create(client, [_png("a.png"), _png("b.png")])
    listing = Listing.objects.get()
    first, second = listing.photos.all()
    old_file = first.image.name
    data = {
        "title": "Нож",
        "description": "D",
        "price": "100",
        "status": "active",
        "remove_photos": [str(first.pk)],
        "photos": [_png("c.png")],
    }
    r = client.post(f"/listing/{listing.pk}/edit/", data)
    assert r.status_code == 302
    assert list(listing.photos.values_list("position", flat=True)) == [1, 2]
    assert not ListingPhoto.objects.filter(pk=first.pk).exists()
    assert old_file  # the file goes after commit (not observable inside the test transaction)


def test_edit_refuses_going_over_eight(client, owner):
    client.force_login(owner)
    _create(client, [_png(f"{i}.png") for i in range(7)])
    listing = Listing.objects.get()
    r = client.post(
        f"/listing/{listing.pk}/edit/",
        {
            "title": "Нож",
            "description": "D",
            "price": "100",
            "status": "active",
            "photos": [_png("z.png")],
        },
    )
    assert r.status_code == 400
    assert listing.photos.count() == 7


def test_outsider_cannot_remove_photos(client, owner, outsider):
    client.force_login(owner)
    _create(client, [_png("a.png")])
    listing = Listing.objects.get()
    photo = listing.photos.get()
    before = snapshot(listing, photo)
    client.force_login(outsider)
    r = client.post(
        f"/listing/{listing.pk}/edit/",
        {
            "title": "X",
            "description": "D",
            "price": "1",
            "status": "active",
            "remove_photos": [str(photo.pk)],
        },
    )
    assert r.status_code in (403, 404)
    assert snapshot(listing, photo) == before


def test_deleting_a_listing_deletes_its_photos(client, owner):
    client.force_login(owner)
    _create(client, [_png("a.png")])
    listing = Listing.objects.get()
    r = client.post(f"/listing/{listing.pk}/delete/")
    assert r.status_code == 302
    assert not ListingPhoto.objects.exists()
