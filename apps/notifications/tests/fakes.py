"""Local stand-ins for the outside world: a fake Telegram Bot API and an SMTP sink.

Both listen on 127.0.0.1 on a free port; nothing in the tests reaches the internet. The fake
Bot API is a plain HTTP server that the real python-telegram-bot client talks to: it records
every call, answers like Telegram (message ids, `ok`/`result`), can be told to fail (500, or 429
with `retry_after`) and feeds updates through getUpdates.
"""

from __future__ import annotations

import email
import itertools
import json
import socket
import threading
import time
from email import policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest

BOT = {"id": 999, "is_bot": True, "first_name": "FreeMarket", "username": "fm_test_bot"}


def _params(content_type: str, body: bytes) -> dict:
    if not body:
        return {}
    if content_type.startswith("application/json"):
        return json.loads(body)
    if content_type.startswith("multipart/form-data"):
        msg = email.message_from_bytes(
            f"Content-Type: {content_type}\r\n\r\n".encode() + body, policy=policy.default
        )
        raw = {
            p.get_param("name", header="content-disposition"): p.get_content()
            for p in msg.iter_parts()
        }
    else:
        raw = {k: v[0] for k, v in parse_qs(body.decode()).items()}
    out = {}
    for key, value in raw.items():
        try:
            out[key] = json.loads(value)
        except (TypeError, ValueError):
            out[key] = value
    return out


class FakeBotApi:
    def __init__(self, token: str) -> None:
        self.token = token
        self.calls: list[tuple[str, dict]] = []
        self.failures: dict[str, list[tuple[int, dict]]] = {}
        self.updates: list[dict] = []
        self._lock = threading.Lock()
        self._message_ids = itertools.count(1000)
        self._update_ids = itertools.count(1)
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                prefix = f"/bot{fake.token}/"
                if not self.path.startswith(prefix):
                    return self._reply(
                        404, {"ok": False, "error_code": 404, "description": "Not Found"}
                    )
                method = self.path[len(prefix) :]
                status, answer = fake.handle(
                    method, _params(self.headers.get("Content-Type", ""), body)
                )
                self._reply(status, answer)

            do_GET = do_POST

            def _reply(self, status: int, answer: dict) -> None:
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # --- what the tests look at --------------------------------------------------------------
    def sent(self, method: str = "sendMessage") -> list[dict]:
        with self._lock:
            return [params for name, params in self.calls if name == method]

    def fail(self, method: str, status: int, answer: dict | None = None, times: int = 1) -> None:
        answer = answer or {
            "ok": False,
            "error_code": status,
            "description": "Internal Server Error",
        }
        self.failures.setdefault(method, []).extend([(status, answer)] * times)

    def fail_429(self, method: str, retry_after: int) -> None:
        self.fail(
            method,
            429,
            {
                "ok": False,
                "error_code": 429,
                "description": f"Too Many Requests: retry after {retry_after}",
                "parameters": {"retry_after": retry_after},
            },
        )

    # --- updates the bot will fetch ----------------------------------------------------------
    def _user(self, user_id: int) -> dict:
        return {
            "id": user_id,
            "is_bot": False,
            "first_name": f"User{user_id}",
            "username": f"tg{user_id}",
        }

    def _message(self, chat_id: int, text: str, sender: dict, **extra) -> dict:
        msg = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private"},
            "from": sender,
            "text": text,
        } | extra
        if text.startswith("/"):
            msg["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        return msg

    def push_message(self, user_id: int, text: str, *, reply_to: int | None = None) -> None:
        extra = {}
        if reply_to is not None:
            extra["reply_to_message"] = {
                "message_id": reply_to,
                "date": int(time.time()),
                "chat": {"id": user_id, "type": "private"},
                "from": BOT,
                "text": "…",
            }
        with self._lock:
            self.updates.append(
                {
                    "update_id": next(self._update_ids),
                    "message": self._message(user_id, text, self._user(user_id), **extra),
                }
            )

    def push_button(self, user_id: int, data: str, *, message_id: int, text: str = "…") -> None:
        with self._lock:
            self.updates.append(
                {
                    "update_id": next(self._update_ids),
                    "callback_query": {
                        "id": str(next(self._update_ids) + 10_000),
                        "from": self._user(user_id),
                        "chat_instance": "1",
                        "data": data,
                        "message": {
                            "message_id": message_id,
                            "date": int(time.time()),
                            "chat": {"id": user_id, "type": "private"},
                            "from": BOT,
                            "text": text,
                        },
                    },
                }
            )

    # --- the Bot API ---------------------------------------------------------------------------
    def handle(self, method: str, params: dict) -> tuple[int, dict]:
        with self._lock:
            self.calls.append((method, params))
            queued = self.failures.get(method)
            if queued:
                return queued.pop(0)
            if method == "getUpdates":
                offset = int(params.get("offset") or 0)
                self.updates = [u for u in self.updates if u["update_id"] >= offset]
                result, self.updates = self.updates, []
                return 200, {"ok": True, "result": result}
        if method == "getMe":
            return 200, {"ok": True, "result": BOT}
        if method in ("sendMessage", "editMessageText"):
            chat_id = int(params.get("chat_id") or 0)
            message_id = params.get("message_id") or next(self._message_ids)
            params["message_id"] = message_id  # recorded: the id the message got
            result = {
                "message_id": int(message_id),
                "date": int(time.time()),
                "chat": {"id": chat_id, "type": "private"},
                "from": BOT,
                "text": params.get("text", ""),
            }
            return 200, {"ok": True, "result": result}
        return 200, {"ok": True, "result": True}  # answerCallbackQuery, deleteWebhook, ...


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SmtpSink:
    """aiosmtpd on 127.0.0.1: keeps every message it receives (parsed)."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.messages: list[email.message.EmailMessage] = []
        self.refuse = 0  # answer this many DATA commands with a 451 (a temporary failure)
        sink = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):  # noqa: N802
                if sink.refuse:
                    sink.refuse -= 1
                    return "451 Try again later"
                sink.messages.append(
                    email.message_from_bytes(envelope.content, policy=policy.default)
                )
                return "250 OK"

        for attempt in range(5):  # another process may take the free port first
            self.port = free_port()
            self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
            try:
                self.controller.start()
                break
            except Exception:
                if attempt == 4:
                    raise

    def close(self) -> None:
        self.controller.stop()


TOKEN = "123456:TEST-TOKEN"


@pytest.fixture
def fake_tg(settings):
    """The fake Bot API, with the project's settings pointed at it."""
    fake = FakeBotApi(TOKEN)
    settings.TELEGRAM_BOT_TOKEN = TOKEN
    settings.TELEGRAM_BOT_USERNAME = BOT["username"]
    settings.TELEGRAM_API_BASE = fake.base_url
    settings.TELEGRAM_RATE_PER_CHAT = 1000  # the limiter has its own test
    yield fake
    fake.close()


@pytest.fixture
def smtp(settings):
    sink = SmtpSink()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = sink.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    yield sink
    sink.close()


def link(user, telegram_id: int):
    user.telegram_id = telegram_id
    user.save(update_fields=["telegram_id"])
    return user
