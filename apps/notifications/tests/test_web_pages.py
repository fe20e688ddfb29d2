from django.urls import reverse

from apps.notifications.models import Notification
from apps.notifications.services import notify


def test_notification_centre_lists_only_mine(client, owner, other):
    notify(user_id=owner.pk, type="deal_requested", payload={"message": "Моё", "url": "/"})
    notify(user_id=other.pk, type="deal_requested", payload={"message": "Чужое", "url": "/"})
    client.force_login(owner)
    page = client.get(reverse("notifications:list")).content.decode()
    assert "Моё" in page and "Чужое" not in page


def test_open_marks_read_and_follows_local_link_only(client, owner):
    n = notify(user_id=owner.pk, type="x", payload={"message": "m", "url": "/exchange/"})
    evil = notify(user_id=owner.pk, type="x", payload={"message": "m", "url": "//evil.example"})
    client.force_login(owner)
    r = client.post(reverse("notifications:open", args=[n.pk]))
    assert r.status_code == 302 and r["Location"] == "/exchange/"
    assert Notification.objects.get(pk=n.pk).read
    r = client.post(reverse("notifications:open", args=[evil.pk]))
    assert r["Location"] == reverse("notifications:list")


def test_outsider_cannot_open_someone_elses_notification(client, owner, outsider):
    n = notify(user_id=owner.pk, type="x", payload={"message": "m", "url": "/"})
    client.force_login(outsider)
    client.post(reverse("notifications:open", args=[n.pk]))
    assert not Notification.objects.get(pk=n.pk).read


def test_open_by_get_changes_nothing(client, owner):
    n = notify(user_id=owner.pk, type="x", payload={"message": "m", "url": "/"})
    client.force_login(owner)
    assert client.get(reverse("notifications:open", args=[n.pk])).status_code == 405
    assert not Notification.objects.get(pk=n.pk).read


def test_read_all(client, owner, other):
    for _ in range(3):
        notify(user_id=owner.pk, type="x", payload={"message": "m"})
    notify(user_id=other.pk, type="x", payload={"message": "m"})
    client.force_login(owner)
    client.post(reverse("notifications:read_all"))
    assert not Notification.objects.filter(user=owner, read=False).exists()
    assert Notification.objects.filter(user=other, read=False).count() == 1
