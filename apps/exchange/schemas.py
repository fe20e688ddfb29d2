from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Schema
from pydantic import ConfigDict, Field

MAX_VALUE_TENGE = 10**11


class ItemIn(Schema):
    model_config = ConfigDict(extra="forbid")

    item_name: str = Field(..., min_length=1, max_length=200)
    value_tenge: int = Field(0, ge=0, le=MAX_VALUE_TENGE)
    description: str = Field("", max_length=2000)
    duration_days: int | None = Field(None, ge=1, le=365)
    category: str | None = Field(None, max_length=64)
    # Wants only: anything of the (chosen) category and value will do.
    any_in_category: bool = False

    # Whitespace is normalised (and a blank name refused) by the service, for API and web alike.


class ItemsByType(Schema):
    model_config = ConfigDict(extra="forbid")

    PERMANENT: list[ItemIn] = Field(default_factory=list, max_length=50)
    TEMPORARY: list[ItemIn] = Field(default_factory=list, max_length=50)


class CreateByCategoriesIn(Schema):
    model_config = ConfigDict(extra="forbid")

    wants: ItemsByType = Field(default_factory=ItemsByType)
    offers: ItemsByType = Field(default_factory=ItemsByType)


class CreateItemIn(ItemIn):
    item_type: Literal["WANT", "OFFER"]
    exchange_type: Literal["PERMANENT", "TEMPORARY"]


class UpdateItemIn(Schema):
    model_config = ConfigDict(extra="forbid")

    # Omitted means "unchanged"; these three cannot be null (an explicit null is a 400).
    item_name: str = Field(None, min_length=1, max_length=200)
    value_tenge: int = Field(None, ge=0, le=MAX_VALUE_TENGE)
    description: str = Field(None, max_length=2000)
    duration_days: int | None = Field(None, ge=1, le=365)
    category: str | None = Field(None, max_length=64)
    any_in_category: bool | None = None


class CreatedItemOut(Schema):
    id: int
    item_type: str
    exchange_type: str
    item_name: str
    value_tenge: int
    duration_days: int | None
    description: str
    category: str | None
    category_inferred: bool
    any_in_category: bool


class CreateByCategoriesOut(Schema):
    id: int
    user_id: int
    created_at: datetime
    listings: list[CreatedItemOut]


class SingleItemOut(Schema):
    id: int
    item_type: str
    exchange_type: str
    item_name: str
    value_tenge: int
    duration_days: int | None
    description: str
    category: str | None
    category_inferred: bool
    any_in_category: bool
    user_id: int
    created_at: datetime


class ItemOut(Schema):
    """The contract's listing row (`title` = item name) plus what a client needs to show it."""

    id: int
    title: str
    description: str
    user_id: int
    username: str
    exchange_type: str
    item_type: str
    item_name: str
    category: str | None
    any_in_category: bool
    value_tenge: int
    duration_days: int | None
    status: str
    created_at: datetime
    updated_at: datetime
