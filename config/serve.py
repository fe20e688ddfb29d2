"""The server: `python -m config.serve [--host H] [--port P] [--workers N] [--quiet]`.

uvicorn with WEB_CONCURRENCY worker processes (default 2: one per core on the reference
machine), no access log (the proxy logs), lifespan off (Django does not use it). uvicorn never
takes the client address from proxy headers: Django does, from the configured number of
trusted proxies only (TRUSTED_PROXY_COUNT, apps/common/ratelimit.py::client_ip).

`make run` uses `--workers 1 --quiet`: uvicorn logs warnings only and one line with the address
is printed when the server is really listening.
"""

from __future__ import annotations

import argparse
import os
import sys

import uvicorn


class _AnnouncingServer(uvicorn.Server):
    async def startup(self, sockets=None) -> None:
        await super().startup(sockets=sockets)
        if self.started:
            host, port = self.config.host, self.config.port
            print(f"FreeMarket · LootLink: http://{host}:{port}/  (Ctrl+C to stop)", flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="FreeMarket · LootLink server (uvicorn)")
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2")))
    parser.add_argument("--quiet", action="store_true", help="warnings only, one line when ready")
    args = parser.parse_args(argv)
    options = {
        "host": args.host,
        "port": args.port,
        "lifespan": "off",
        "access_log": False,
        "proxy_headers": False,
        "log_level": "warning" if args.quiet else "info",
    }
    if args.workers > 1:
        uvicorn.run("config.asgi:application", workers=args.workers, **options)
        return
    server = _AnnouncingServer(uvicorn.Config("config.asgi:application", **options))
    server.run()
    sys.exit(0 if server.started else 1)


if __name__ == "__main__":
    main()
