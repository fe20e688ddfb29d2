"""Where the signing keys come from (imported by settings; no Django import here).

There is no usable default key in the repository:

- `SECRET_KEY` (or a file named by `SECRET_KEY_FILE`) wins when set.
- Otherwise an embedded installation (DEBUG, tests, or the default SQLite database, which is what
  `make run` serves) generates a random key once and keeps it in `var/secret_key` (git-ignored,
  mode 0600). Tests get a fresh random key per process and write nothing.
- Otherwise (DEBUG=0 with a configured DATABASE_URL: a production installation) the server
  refuses to start.

`JWT_SECRET` defaults to a key derived from `SECRET_KEY` (never the same string), so it is random
whenever `SECRET_KEY` is.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from collections.abc import Mapping
from pathlib import Path

# Keys that were published (in this repository's history or in docs): never accepted.
KNOWN_PUBLIC_KEYS = frozenset(
    {
        "dev-only-insecure-key-change-me-in-production-0123456789",
        "change-me",
        "changeme",
        "secret",
    }
)
MIN_KEY_LENGTH = 32


class KeyConfigError(Exception):
    """Raised by `secret_key_resolve` when no acceptable key can be found."""


def _generated_key_path(base_dir: Path) -> Path:
    return base_dir / "var" / "secret_key"


def _read_or_create(path: Path) -> str:
    """Read the installation's key, creating it atomically (0600) on first use."""
    try:
        key = path.read_text().strip()
        if key:
            return key
    except FileNotFoundError:
        pass
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(secrets.token_urlsafe(50) + "\n")
    try:
        os.link(tmp, path)  # atomic; fails if another process created it first
    except FileExistsError:
        pass
    finally:
        tmp.unlink(missing_ok=True)
    return path.read_text().strip()


def _checked(key: str, source: str) -> str:
    if key in KNOWN_PUBLIC_KEYS or len(key) < MIN_KEY_LENGTH:
        raise KeyConfigError(
            f"{source} is a published or too short key (need {MIN_KEY_LENGTH}+ random "
            "characters). Generate one: python -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )
    return key


def secret_key_resolve(
    env: Mapping[str, str], *, base_dir: Path, debug: bool, testing: bool
) -> tuple[str, str]:
    """Return (key, where it came from): 'env', 'file', 'generated' or 'testing'."""
    if env.get("SECRET_KEY"):
        return _checked(env["SECRET_KEY"], "SECRET_KEY"), "env"
    if env.get("SECRET_KEY_FILE"):
        key = Path(env["SECRET_KEY_FILE"]).read_text().strip()
        return _checked(key, "SECRET_KEY_FILE"), "file"
    if testing:
        return secrets.token_urlsafe(50), "testing"
    embedded = not env.get("DATABASE_URL")
    if debug or embedded:
        return _read_or_create(_generated_key_path(base_dir)), "generated"
    raise KeyConfigError(
        "SECRET_KEY is not set. With DEBUG=0 and a configured DATABASE_URL this is a production "
        "installation and needs its own key: set SECRET_KEY (or SECRET_KEY_FILE) to 50 random "
        "characters, e.g. python -c 'import secrets; print(secrets.token_urlsafe(50))'. "
        "See docs/security.md."
    )


def jwt_secret_resolve(env: Mapping[str, str], *, secret_key: str) -> str:
    """JWT_SECRET when set (checked like SECRET_KEY), else a key derived from SECRET_KEY."""
    if env.get("JWT_SECRET"):
        return _checked(env["JWT_SECRET"], "JWT_SECRET")
    return hmac.new(secret_key.encode(), b"freemarket.jwt.v1", hashlib.sha256).hexdigest()
