"""The production server: `python -m config.serve [--host H] [--port P]`.

uvicorn with WEB_CONCURRENCY worker processes (default 2: one per core on the reference
machine), no access log (the proxy logs), lifespan off (Django does not use it).
"""

from __future__ import annotations

import argparse
import os

import uvicorn


def main() -> None:
    parser = argparse.ArgumentParser(description="FreeMarket production server (uvicorn)")
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2")))
    args = parser.parse_args()
    uvicorn.run(
        "config.asgi:application",
        host=args.host,
        port=args.port,
        workers=args.workers,
        lifespan="off",
        access_log=False,
    )


if __name__ == "__main__":
    main()
