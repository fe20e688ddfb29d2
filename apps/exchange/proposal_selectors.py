"""Reads of proposals (bilateral matches and chains). Replaced when proposals land (issue 4)."""

from __future__ import annotations


def exchanges_for_user(*, user, page) -> tuple[list[dict], int]:
    return [], 0


def active_exchanges_for_cabinet(*, user) -> list[dict]:
    return []
