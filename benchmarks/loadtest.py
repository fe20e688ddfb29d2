"""HTTP load benchmark: `make loadtest` (or `python -m benchmarks.loadtest`).

For each backend (PostgreSQL + Redis, then the embedded SQLite default) it creates its own
database, seeds a realistic market (`seed_market`), starts the production server
(`python -m config.serve`) on a free loopback port and runs `wrk` against the listed pages at
10 and 100 connections. Prints requests/s, p50, p99 and errors per page; drops what it created.
Load goes to 127.0.0.1 only. Never part of the test suite.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN_URL = os.environ.get("LOADTEST_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")
PG_DB = os.environ.get("LOADTEST_PG_DB", "fm_loadtest")
REDIS_URL = os.environ.get("LOADTEST_REDIS_URL", "redis://127.0.0.1:6379/8")

SESSION_SCRIPT = """
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from apps.accounts.models import User
from apps.catalog.models import Game
from apps.market.models import Listing
from apps.notifications.models import Notification
user = User.objects.get(pk=Notification.objects.values_list("user_id", flat=True).first())
s = SessionStore()
s[SESSION_KEY] = str(user.pk)
s[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
s[HASH_SESSION_KEY] = user.get_session_auth_hash()
s.create()
ids = list(Listing.objects.filter(status="active").values_list("pk", flat=True)[:50])
game = Game.objects.filter(slug="cs2").first() or Game.objects.first()
print(s.session_key)
print(",".join(map(str, ids)))
print(game.pk, game.slug)
"""


@dataclass
class Result:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    print("wrk not found: installing it with apt-get (Debian package 'wrk')", flush=True)
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True)
    return shutil.which("wrk") or "wrk"


def _manage(env: dict, *args: str, capture: bool = False) -> str:
    proc = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        text=True,
        stdout=subprocess.PIPE if capture else None,
    )
    return proc.stdout or ""


def _pg(sql: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(sql)


def _q(path: str) -> str:
    return urllib.parse.quote(path, safe="/?=&")


def _scenarios(ids: list[str], game_id: str, slug: str) -> dict[str, tuple[list[str], bool]]:
    """name -> (paths, logged in)."""
    return {
        "home": (["/"], False),
        "home + search": ([_q("/?search=меч"), _q("/?search=аккаунт"), "/?search=Redline"], False),
        "home + filters": (
            [f"/?game={game_id}&min_price=100&max_price=5000&sort=price", "/?sort=-price"],
            False,
        ),
        "listing detail": ([f"/listing/{pk}/" for pk in ids], False),
        "game page": ([f"/game/{slug}/"], False),
        "/api/listings/offers": (["/api/listings/offers"], False),
        "/v1/categories": (["/v1/categories"], False),
        "logged-in mix": (["/chat/", "/accounts/my-listings/", "/notifications/"], True),
    }


def _lua(paths: list[str], cookie: str | None) -> str:
    def quote(s: str) -> str:
        return '"' + "".join(f"\\{b}" for b in s.encode()) + '"'

    lines = [
        "local paths = {" + ", ".join(quote(p) for p in paths) + "}",
        "local i = 0",
        'wrk.headers["Accept-Encoding"] = "gzip, br"',
        'wrk.headers["Accept"] = "text/html,application/xhtml+xml,application/json;q=0.9,*/*;q=0.8"',
    ]
    if cookie:
        lines.append(f'wrk.headers["Cookie"] = "sessionid={cookie}"')
    lines.append("request = function() i = i % #paths + 1; return wrk.format(nil, paths[i]) end")
    return "\n".join(lines) + "\n"


def _ms(value: str) -> float:
    m = re.match(r"([\d.]+)(us|ms|s|m)", value)
    if not m:
        return float("nan")
    number, unit = float(m.group(1)), m.group(2)
    return number * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def _parse(out: str) -> Result:
    p50 = re.search(r"^\s*50%\s+(\S+)", out, re.M)
    p99 = re.search(r"^\s*99%\s+(\S+)", out, re.M)
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    total = re.search(r"(\d+) requests in", out)
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errors = int(non2xx.group(1)) if non2xx else 0
    if sock:
        errors += sum(int(x) for x in sock.groups())
    return Result(
        rps=float(rps.group(1)) if rps else 0.0,
        p50_ms=_ms(p50.group(1)) if p50 else float("nan"),
        p99_ms=_ms(p99.group(1)) if p99 else float("nan"),
        requests=int(total.group(1)) if total else 0,
        errors=errors,
    )


def _wait_up(port: int, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("the server exited during start-up")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/categories", timeout=5)  # noqa: S310
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.5)
    raise RuntimeError("the server did not start")


def _probe(port: int, path: str, cookie: str | None) -> int:
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}")  # noqa: S310
    req.add_header("Accept", "text/html,application/json;q=0.9,*/*;q=0.8")
    if cookie:
        req.add_header("Cookie", f"sessionid={cookie}")
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:  # noqa: S310
            return resp.status
    except urllib.error.HTTPError as exc:
        return exc.code


def _run_backend(backend: str, args, wrk: str) -> dict[tuple[str, int], Result]:
    tmp = Path(tempfile.mkdtemp(prefix=f"loadtest-{backend}-"))
    env = {
        **os.environ,
        "MEDIA_ROOT": str(tmp / "media"),
        "DEMO_DATA": "0",
        "DEBUG": "0",
        "MATCH_AUTO_RUN": "0",
        "CELERY_TASK_ALWAYS_EAGER": "1",
        "RATE_LIMITS_ENABLED": "0",
        "SECURE_COOKIES": "0",
        "LOG_LEVEL": "WARNING",
        "WEB_CONCURRENCY": str(args.workers),
    }
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    prefix = f"loadtest{os.getpid()}"
    if backend == "postgres":
        _pg(f'DROP DATABASE IF EXISTS "{PG_DB}" WITH (FORCE)')
        _pg(f'CREATE DATABASE "{PG_DB}"')
        env["DATABASE_URL"] = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{PG_DB}"
        env["REDIS_URL"] = REDIS_URL
        env["CACHE_KEY_PREFIX"] = prefix
    else:
        env["DATABASE_URL"] = f"sqlite:///{tmp / 'db.sqlite3'}"
    server = None
    results: dict[tuple[str, int], Result] = {}
    try:
        print(f"\n== {backend}: migrate + seed ==", flush=True)
        _manage(env, "migrate", "--noinput", "-v0")
        _manage(env, "load_catalog")
        _manage(env, "collectstatic", "--noinput", "-v0")
        _manage(
            env,
            "seed_market",
            f"--users={args.users}",
            f"--listings={args.listings}",
            f"--items={args.items}",
        )
        out = _manage(env, "shell", "-v0", "-c", SESSION_SCRIPT, capture=True)
        cookie, ids, game = [line for line in out.splitlines() if line.strip()][-3:]
        game_id, slug = game.split()
        port = _free_port()
        cmd = [sys.executable, "-m", "config.serve", "--host", "127.0.0.1", "--port", str(port)]
        server = subprocess.Popen(cmd, cwd=ROOT, env=env, start_new_session=True)  # noqa: S603
        _wait_up(port, server)
        scenarios = _scenarios(ids.split(","), game_id, slug)
        for name, (paths, logged_in) in scenarios.items():
            if args.only and not any(o in name for o in args.only):
                continue
            codes = {p: _probe(port, p, cookie if logged_in else None) for p in paths[:3]}
            bad = {p: c for p, c in codes.items() if c >= 400}
            if bad:
                print(f"  warning: {name}: {bad}", flush=True)
            script = tmp / f"s{abs(hash(name))}.lua"
            script.write_text(_lua(paths, cookie if logged_in else None))
            for conns in args.connections:
                out = subprocess.run(  # noqa: S603
                    [wrk, "-t2", f"-c{conns}", f"-d{args.duration}s", "--timeout", "10s",
                     "--latency", "-s", str(script), f"http://127.0.0.1:{port}"],
                    capture_output=True, text=True, check=True,
                ).stdout  # fmt: skip
                res = results[(name, conns)] = _parse(out)
                print(
                    f"  {name:22} c={conns:<3} {res.rps:8.1f} req/s  p50 {res.p50_ms:8.1f} ms"
                    f"  p99 {res.p99_ms:8.1f} ms  errors {res.errors}/{res.requests}",
                    flush=True,
                )
    finally:
        if server is not None and server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
        if backend == "postgres" and not args.keep:
            _pg(f'DROP DATABASE IF EXISTS "{PG_DB}" WITH (FORCE)')
            _redis_cleanup(prefix)
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    return results


def _redis_cleanup(prefix: str) -> None:
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(match=f"{prefix}:*", count=1000):
        client.delete(key)


def _table(all_results: dict[str, dict[tuple[str, int], Result]], conns: list[int]) -> str:
    head = "| page | backend | " + " | ".join(
        f"c={c} req/s | c={c} p50 ms | c={c} p99 ms | c={c} errors" for c in conns
    )
    lines = [head + " |", "|" + "---|" * (2 + 4 * len(conns))]
    names = list(dict.fromkeys(n for res in all_results.values() for n, _ in res))
    for name in names:
        for backend, res in all_results.items():
            cells = []
            for c in conns:
                r = res.get((name, c))
                cells += (
                    [f"{r.rps:.0f}", f"{r.p50_ms:.0f}", f"{r.p99_ms:.0f}", f"{r.errors}/{r.requests}"]
                    if r
                    else ["-"] * 4
                )  # fmt: skip
            lines.append(f"| {name} | {backend} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", default="postgres,sqlite")
    parser.add_argument("--connections", default="10,100")
    parser.add_argument("--duration", type=int, default=20, help="seconds per scenario")
    parser.add_argument("--users", type=int, default=2000)
    parser.add_argument("--listings", type=int, default=10000)
    parser.add_argument("--items", type=int, default=20000)
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", 2)))
    parser.add_argument("--only", action="append", help="run only scenarios containing this")
    parser.add_argument("--keep", action="store_true", help="keep the database and files")
    args = parser.parse_args()
    args.connections = [int(c) for c in args.connections.split(",")]
    wrk = _ensure_wrk()
    all_results = {}
    for backend in args.backends.split(","):
        all_results[backend] = _run_backend(backend, args, wrk)
    print(f"\nwrk -t2, {args.duration} s per row, {args.workers} server workers, "
          f"{args.listings} listings / {args.users} users / {args.items} wants+offers")  # fmt: skip
    print(_table(all_results, args.connections))


if __name__ == "__main__":
    main()
