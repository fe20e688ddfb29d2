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


def format_int(value: int | None) -> str:
    """A whole number with Russian grouping: 12 500 (a no-break space between groups)."""
    if value is None or value == "":
        return ""
    return f"{int(value):,}".replace(",", NBSP)
