"""The moderators' audit log: one row per action, written in the action's transaction."""

from __future__ import annotations

from apps.moderation.models import AuditLog


def audit_record(
    *, actor, action: str, target_type: str, target_id: int, reason: str = "", **details
) -> AuditLog:
    return AuditLog.objects.create(
        actor=actor,
        action=action,
        target_type=target_type,
        target_id=target_id,
        reason=reason,
        details=details,
    )
