"""The Telegram bot (python-telegram-bot): handlers that adapt updates to `actions`.

Only private chats are served. The Bot API base URL comes from TELEGRAM_API_BASE, so tests run
the real library against a local fake server.
"""

from __future__ import annotations

from asgiref.sync import sync_to_async
from django.conf import settings
from telegram import Update
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from apps.notifications.channels.telegram import proposal_buttons
from apps.tgbot import actions

PRIVATE = filters.ChatType.PRIVATE


async def on_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    user = update.effective_user
    text = await sync_to_async(actions.start)(
        telegram_id=user.id,
        username=user.username,
        first_name=user.first_name,
        token=(context.args[0] if context.args else ""),
    )
    await update.effective_message.reply_text(text, disable_web_page_preview=True)


async def on_stop(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    text = await sync_to_async(actions.stop)(telegram_id=update.effective_user.id)
    await update.effective_message.reply_text(text)


async def on_proposals(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    heading, rows = await sync_to_async(actions.pending_proposals)(
        telegram_id=update.effective_user.id
    )
    message = update.effective_message
    await message.reply_text(heading)
    for proposal_id, text in rows:
        await message.reply_text(
            text, reply_markup=proposal_buttons(proposal_id), disable_web_page_preview=True
        )


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    result = await sync_to_async(actions.button)(
        telegram_id=query.from_user.id, data=query.data or ""
    )
    await query.answer(result.answer[:200], show_alert=result.note is None)
    message = query.message
    if result.note and message is not None and getattr(message, "text", None):
        await query.edit_message_text(
            f"{message.text}\n\n{result.note}", disable_web_page_preview=True
        )


async def on_reply(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    text = await sync_to_async(actions.reply)(
        telegram_id=update.effective_user.id,
        reply_to_message_id=message.reply_to_message.message_id,
        text=message.text,
    )
    await message.reply_text(text)


async def on_other(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    user = await sync_to_async(actions.user_for_chat)(update.effective_user.id)
    await update.effective_message.reply_text(str(actions.HELP if user else actions.NOT_LINKED))


def build_application() -> Application:
    app = (
        ApplicationBuilder()
        .token(settings.TELEGRAM_BOT_TOKEN)
        .base_url(f"{settings.TELEGRAM_API_BASE}/bot")
        .base_file_url(f"{settings.TELEGRAM_API_BASE}/file/bot")
        .build()
    )
    app.add_handler(CommandHandler("start", on_start, filters=PRIVATE))
    app.add_handler(CommandHandler("stop", on_stop, filters=PRIVATE))
    app.add_handler(CommandHandler("proposals", on_proposals, filters=PRIVATE))
    app.add_handler(CallbackQueryHandler(on_button))
    app.add_handler(
        MessageHandler(PRIVATE & filters.REPLY & filters.TEXT & ~filters.COMMAND, on_reply)
    )
    app.add_handler(MessageHandler(PRIVATE, on_other))
    return app


ALLOWED_UPDATES = ["message", "callback_query"]
