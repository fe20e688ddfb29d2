"""Money as the site shows it: 1 500,00 ₽ (Russian grouping, 2 decimals)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

NBSP = "\u00a0"


def format_rub(value: Decimal | int | float | str | None) -> str:
    if value is None or value == "":
        return ""
    amount = Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    whole, frac = f"{amount:,.2f}".split(".")
    return f"{whole.replace(',', NBSP)},{frac}{NBSP}₽"
