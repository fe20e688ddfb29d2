"""Two workers on the same rows at once (PostgreSQL: real concurrent transactions)."""

from __future__ import annotations

import pytest
from django.db import connection

from apps.exchange.tests.test_proposals_concurrency import together
from apps.notifications.models import Delivery, DeliveryStatus
from apps.notifications.services import notify_many
from apps.notifications.tasks import deliveries_send_now
from apps.notifications.tests.fakes import link

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent transactions"),
]


@pytest.mark.parametrize("round_", range(3))
def test_two_workers_on_the_same_batch_send_each_row_once(fake_tg, owner, other, round_):
    link(owner, 7001)
    link(other, 7002)
    notify_many([(u.pk, "deal_accepted", {"message": f"m{round_}"}) for u in (owner, other)])
    ids = list(Delivery.objects.values_list("pk", flat=True))
    together(lambda: deliveries_send_now(ids), lambda: deliveries_send_now(list(reversed(ids))))
    assert sorted(int(m["chat_id"]) for m in fake_tg.sent()) == [7001, 7002]
    assert set(Delivery.objects.values_list("status", "attempts")) == {(DeliveryStatus.SENT, 1)}
