"""The one error type of the domain.

Services raise `DomainError` subclasses with a stable `code` and a Russian, user-facing message.
`config/api.py` turns them into the API's error body; web views show `message` to the user.
Services never raise HTTP errors.
"""

from __future__ import annotations


class DomainError(Exception):
    status_code: int = 400
    error_type: str = "validation_error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.error_type


class ValidationFailed(DomainError):
    status_code = 400
    error_type = "validation_error"


class AuthenticationFailed(DomainError):
    status_code = 401
    error_type = "authentication_error"


class PermissionDenied(DomainError):
    status_code = 403
    error_type = "permission_denied"


class NotFound(DomainError):
    status_code = 404
    error_type = "not_found"


class Conflict(DomainError):
    status_code = 409
    error_type = "conflict"


class InvalidState(Conflict):
    """A transition that the object's current state does not allow (accept twice, ...)."""

    error_type = "invalid_state"


class RateLimited(DomainError):
    status_code = 429
    error_type = "rate_limited"

    def __init__(self, message: str, *, retry_after: int, code: str | None = None) -> None:
        super().__init__(message, code=code)
        self.retry_after = retry_after


class ServiceUnavailable(DomainError):
    """A backing service this request truly needs (the token store in Redis) is down: 503 with
    Retry-After, never a 500."""

    status_code = 503
    error_type = "service_unavailable"

    def __init__(self, message: str, *, retry_after: int = 5, code: str | None = None) -> None:
        super().__init__(message, code=code)
        self.retry_after = retry_after
