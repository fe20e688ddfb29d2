"""Pagination and sorting shared by every list endpoint: skip, limit (1..100), sort, order."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from django.db.models import QuerySet
from ninja import Schema
from pydantic import Field

from apps.common.errors import ValidationFailed

# Deeper offsets are refused (400), not passed to the database: an offset past the 64-bit range
# is a 500 on SQLite, and a deep OFFSET scans every skipped row.
SKIP_MAX = 100_000


class PageParams(Schema):
    skip: int = Field(
        0, ge=0, le=SKIP_MAX, description=f"Сколько записей пропустить (0..{SKIP_MAX})"
    )
    limit: int = Field(20, ge=1, le=100, description="Сколько записей вернуть (1..100)")
    sort: str | None = Field(None, description="Поле сортировки")
    order: Literal["asc", "desc"] = Field("desc", description="asc или desc")


def paginate(
    qs: QuerySet,
    params: PageParams,
    *,
    sort_fields: dict[str, str],
    default: str = "created",
    count: Callable[[QuerySet], int] | None = None,
) -> tuple[QuerySet, int]:
    """Apply sort/order/skip/limit. `sort_fields` maps public sort names to model fields;
    `count` may replace `QuerySet.count` (a cached count of a public list)."""
    name = params.sort or default
    if name not in sort_fields:
        allowed = ", ".join(sorted(sort_fields))
        raise ValidationFailed(f"Недопустимое поле сортировки «{name}». Допустимые: {allowed}.")
    field = sort_fields[name]
    prefix = "-" if params.order == "desc" else ""
    ordered = qs.order_by(f"{prefix}{field}", f"{prefix}pk")
    total = count(qs) if count is not None else ordered.count()
    return ordered[params.skip : params.skip + params.limit], total
