"""A real Celery worker against Redis runs the matching pipeline (needs REDIS_URL; CI).

The worker runs in a thread of this process (celery.contrib.testing), so it uses the same test
database. Its broker and results live in a dedicated Redis database (/14) under a queue of this
process; every key the test created there is deleted afterwards.
"""

from __future__ import annotations

import contextlib
import os
import time
from urllib.parse import urlsplit, urlunsplit

import pytest

from apps.exchange.models import MatchingRun, Proposal
from apps.exchange.tests.helpers import cycle, person

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL"),
    pytest.mark.django_db(transaction=True),
]
WORKER_DB = 14


def _with_db(url: str, db: int) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{db}", "", ""))


@pytest.fixture
def celery_worker_app(request):
    """A Celery app of this test, current while the test runs: shared tasks resolve to it, so
    their messages go to its broker whatever the project app has cached."""
    import redis
    from celery import Celery
    from celery.contrib.testing.worker import start_worker

    from config.celery import app as project_app

    broker = _with_db(os.environ["REDIS_URL"], WORKER_DB)
    client = redis.Redis.from_url(broker)
    keys_before = set(client.keys("*"))
    app = Celery("fmtest-worker", set_as_current=False)
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.conf.update(
        broker_url=broker,
        result_backend=broker,
        task_always_eager=False,
        task_default_queue=f"fmtest-{os.getpid()}",
        worker_enable_remote_control=False,
        worker_hijack_root_logger=False,
    )
    workers = getattr(request, "param", 1)
    try:
        with contextlib.ExitStack() as stack:
            for _ in range(workers):
                stack.enter_context(
                    start_worker(
                        app,
                        pool="solo",
                        perform_ping_check=False,
                        loglevel="WARNING",
                        shutdown_timeout=20,
                    )
                )
            yield app
    finally:
        app.close()
        project_app.set_current()
        project_app.set_default()
        created = set(client.keys("*")) - keys_before
        if created:
            client.delete(*created)
        client.close()


def test_worker_runs_the_full_pipeline(celery_worker_app):
    from apps.exchange.tasks import matching_run_all, proposals_expire

    cycle([person() for _ in range(3)], base=10)
    cycle([person() for _ in range(2)], base=10**6)
    result = matching_run_all.delay(trigger="worker")
    body = result.get(timeout=60)
    assert body["status"] == "success"
    assert (body["bilateral_matches"], body["exchange_chains"]) == (1, 1)
    run = MatchingRun.objects.get(pk=body["run_id"])
    assert run.trigger == "worker"
    assert Proposal.objects.filter(matching_run=run).count() == 2
    assert proposals_expire.delay().get(timeout=30) == 0


def test_worker_runs_one_debounced_user_run(celery_worker_app, settings):
    from apps.exchange.tasks import schedule_user_run

    settings.MATCH_DEBOUNCE_SECONDS = 1
    a, b = person(), person()
    cycle([a, b], base=100)
    for _ in range(3):  # three listing changes within the window: one run
        schedule_user_run(a.pk)
    deadline = time.monotonic() + 30
    while not MatchingRun.objects.filter(status="success").exists():
        assert time.monotonic() < deadline, "the worker did not run the task"
        time.sleep(0.2)
    time.sleep(1.5)
    run = MatchingRun.objects.get()
    assert run.scope_user == a and run.trigger == "rematch" and run.bilateral_count == 1


@pytest.mark.parametrize("celery_worker_app", [2], indirect=True)
def test_two_workers_share_a_fanned_out_run_and_give_the_in_process_answer(
    celery_worker_app, settings
):
    import matching
    from apps.exchange import adapter
    from apps.exchange.tasks import matching_run_all

    for base in (10, 10**3, 10**5, 10**7):
        cycle([person() for _ in range(3)], base=base)
    cycle([person() for _ in range(2)], base=10**9)
    expected = sorted(
        adapter.cycle_key(p)
        for p in matching.find_proposals(
            adapter.snapshot().market, adapter.match_config()
        ).proposals
    )
    settings.MATCH_FANOUT = True
    settings.MATCH_FANOUT_GROUPS = 2
    body = matching_run_all.delay(trigger="worker").get(timeout=60)
    deadline = time.monotonic() + 60
    run = MatchingRun.objects.get(pk=body["run_id"])
    while run.status == "running":
        assert time.monotonic() < deadline, "the chord did not finish"
        time.sleep(0.2)
        run.refresh_from_db()
    assert run.status == "success", run.errors
    assert run.stats["fanout_groups"] == 2
    assert sorted(Proposal.objects.values_list("cycle_key", flat=True)) == expected
