"""Run the real bot application once over what the fake Bot API has queued."""

from __future__ import annotations

from asgiref.sync import async_to_sync

from apps.tgbot.bot import ALLOWED_UPDATES, build_application


def bot_poll() -> None:
    """One long-polling round: getUpdates, then every update through the handlers.

    Runs through async_to_sync from the test's thread, so the handlers' database work
    (sync_to_async, thread-sensitive) happens in this thread, inside the test's transaction."""
    errors: list[BaseException] = []

    async def on_error(update, context) -> None:
        errors.append(context.error)

    async def run() -> None:
        app = build_application()
        app.add_error_handler(on_error)
        async with app:
            updates = await app.bot.get_updates(timeout=0, allowed_updates=ALLOWED_UPDATES)
            for update in updates:
                await app.process_update(update)

    async_to_sync(run)()
    if errors:
        raise errors[0]
