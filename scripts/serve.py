"""Serve the ASGI app with uvicorn and say once, in one line, where to open it.

`make run` uses this instead of the uvicorn command line so the console stays quiet: uvicorn
logs warnings only, and the address is printed when the server is really listening.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import uvicorn

# Run as `python scripts/serve.py`: the project root, not scripts/, must lead the import path.
sys.path.insert(0, os.fspath(Path(__file__).resolve().parent.parent))


class _Server(uvicorn.Server):
    async def startup(self, sockets=None) -> None:
        await super().startup(sockets=sockets)
        if self.started:
            host, port = self.config.host, self.config.port
            print(f"FreeMarket · LootLink: http://{host}:{port}/  (Ctrl+C to stop)", flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    args = parser.parse_args(argv)
    config = uvicorn.Config(
        "config.asgi:application",
        host=args.host,
        port=args.port,
        lifespan="off",
        log_level="warning",
        access_log=False,
        proxy_headers=False,
    )
    server = _Server(config)
    server.run()
    sys.exit(0 if server.started else 1)


if __name__ == "__main__":
    main()
