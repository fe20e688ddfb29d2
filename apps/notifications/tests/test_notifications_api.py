"""Notifications endpoints: own only (staff aside), status filters, read, read-all, count."""

from __future__ import annotations

import pytest
from django.db import transaction

from apps.common.testing import assert_error
from apps.notifications.models import Notification
from apps.notifications.services import notify, notify_many

pytestmark = pytest.mark.django_db


def test_list_returns_contract_shape(api, owner):
    note = notify(
        user_id=owner.pk,
        type="bilateral_match",
        payload={"partner": "bob", "message": "Найдено совпадение с bob!"},
    )
    body = api.get("/api/notifications/", {"user_id": owner.pk}).json()
    assert body["count"] == 1
    row = body["notifications"][0]
    assert set(row) == {"id", "user_id", "type", "payload", "read", "created_at"}
    assert row["id"] == note.pk and row["user_id"] == owner.pk and row["read"] is False
    assert row["payload"]["partner"] == "bob"


def test_status_filters_pending_read_and_all(api, owner):
    first = notify(user_id=owner.pk, type="a", payload={})
    notify(user_id=owner.pk, type="b", payload={})
    api.post(f"/api/notifications/{first.pk}/read")
    assert api.get("/api/notifications/").json()["count"] == 1  # pending by default
    assert api.get("/api/notifications/", {"status": "read"}).json()["count"] == 1
    assert api.get("/api/notifications/", {"status": "all"}).json()["count"] == 2
    assert_error(api.get("/api/notifications/", {"status": "nope"}), 400)


def test_list_is_paginated_newest_first(api, owner):
    for i in range(5):
        notify(user_id=owner.pk, type=f"t{i}", payload={})
    body = api.get("/api/notifications/", {"status": "all", "skip": 1, "limit": 2}).json()
    assert body["count"] == 5 and [n["type"] for n in body["notifications"]] == ["t3", "t2"]


def test_someone_elses_notifications_are_403(api, other):
    notify(user_id=other.pk, type="a", payload={})
    assert_error(api.get("/api/notifications/", {"user_id": other.pk}), 403)


def test_staff_may_list_anyones(staff_api, other):
    notify(user_id=other.pk, type="a", payload={})
    assert staff_api.get("/api/notifications/", {"user_id": other.pk}).json()["count"] == 1


def test_anonymous_gets_401(anon_api):
    assert_error(anon_api.get("/api/notifications/"), 401)


def test_mark_read_returns_contract_body(api, owner):
    note = notify(user_id=owner.pk, type="a", payload={})
    r = api.post(f"/api/notifications/{note.pk}/read")
    assert r.json() == {"notification_id": note.pk, "status": "read"}
    note.refresh_from_db()
    assert note.read and note.read_at
    assert api.post(f"/api/notifications/{note.pk}/read").status_code == 200  # idempotent


def test_marking_someone_elses_is_404_and_changes_nothing(outsider_api, owner):
    note = notify(user_id=owner.pk, type="a", payload={})
    assert_error(outsider_api.post(f"/api/notifications/{note.pk}/read"), 404)
    note.refresh_from_db()
    assert not note.read


def test_read_all_and_unread_count(api, other_api, owner, other):
    for _ in range(3):
        notify(user_id=owner.pk, type="a", payload={})
    notify(user_id=other.pk, type="a", payload={})
    assert api.get("/api/notifications/unread-count").json() == {"unread": 3}
    assert api.post("/api/notifications/read-all").json() == {"status": "read", "updated": 3}
    assert api.get("/api/notifications/unread-count").json() == {"unread": 0}
    assert other_api.get("/api/notifications/unread-count").json() == {"unread": 1}


def test_notify_many_creates_rows_and_publishes_after_commit(
    owner, other, monkeypatch, django_capture_on_commit_callbacks
):
    from apps.notifications import events

    published = []
    monkeypatch.setattr(
        events, "publish", lambda uid, event, data: published.append((uid, event, data["type"]))
    )
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        notify_many([(owner.pk, "x", {"n": 1}), (other.pk, "y", {"n": 2})])
        assert published == []
    assert published == [(owner.pk, "notification", "x"), (other.pk, "notification", "y")]
    assert Notification.objects.count() == 2


def test_notifications_are_not_published_when_rolled_back(owner, monkeypatch):
    from apps.notifications import events

    published = []
    monkeypatch.setattr(events, "publish", lambda *a: published.append(a))
    with pytest.raises(RuntimeError), transaction.atomic():
        notify(user_id=owner.pk, type="x", payload={})
        raise RuntimeError
    assert published == [] and not Notification.objects.exists()
