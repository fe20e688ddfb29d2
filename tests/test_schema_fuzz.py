"""Property-based fuzzing of every API operation, driven by the app's own /api/openapi.json.

Schemathesis generates requests (valid ones and, half the time, ones that break the schema) for
each operation and sends them in-process (WSGI) as a signed-in user. Every answer must be:
no 5xx, a status the schema documents for that operation, a body that fits the documented
schema. Path ids are sometimes those of the user's own objects, so the handlers behind the 404
are reached too.

Bounded for CI: MAX_EXAMPLES per operation, derandomized (the same cases every run).
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from apps.common.testing import ApiClient
from config.wsgi import application

MAX_EXAMPLES = 20
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)
OPERATIONS = [result.ok() for result in schema.get_all_operations()]

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture(autouse=True)
def _keep_the_test_transaction():
    """Requests go through the real WSGI handler, whose request_started/finished signals close
    connections that are inside a transaction (as the test's is); Django's own test client
    disconnects them the same way."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _known_ids(operation, owner) -> dict:
    """Real ids for the path parameters of this operation (built only when it needs them)."""
    names = {p.name for p in operation.path_parameters}
    known: dict = {}
    if "user_id" in names:
        known["user_id"] = owner.pk
    if "username" in names:
        known["username"] = owner.username
    if "item_id" in names:
        from apps.exchange.tests.helpers import item

        known["item_id"] = item(owner, "offer", "Дрель").pk
    if "notification_id" in names:
        from apps.notifications.services import notify

        known["notification_id"] = notify(user_id=owner.pk, type="x", payload={}).pk
    if "chain_id" in names:
        known["chain_id"] = _pending_proposal(owner, others=2).pk
    if "match_id" in names:
        known["match_id"] = _pending_proposal(owner, others=1).pk
    return known


def _pending_proposal(owner, *, others: int):
    """A pending chain (others=2) or bilateral match (others=1) that includes `owner`."""
    from apps.exchange.tests.helpers import person, proposal_for

    return proposal_for([owner, *(person() for _ in range(others))])


@pytest.mark.parametrize("operation", OPERATIONS, ids=[op.label for op in OPERATIONS])
def test_operation_never_5xx_and_answers_as_documented(operation, owner):
    token = ApiClient(owner).token
    # identity: the in-process WSGI transport does not undo the gzip that answers larger
    # responses (config: GZipMiddleware), and the checks read the body as JSON
    headers = {"Authorization": f"Bearer {token}", "Accept-Encoding": "identity"}
    known = _known_ids(operation, owner)
    strategies = [
        operation.as_strategy(GenerationMode.POSITIVE),
        operation.as_strategy(GenerationMode.NEGATIVE),
    ]
    if known:
        strategies.append(operation.as_strategy(GenerationMode.POSITIVE, path_parameters=known))

    @hsettings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=st.one_of(strategies))
    def check(case):
        case.call_and_validate(headers=headers, checks=CHECKS)

    check()
