"""Password validators beyond Django's own (settings.AUTH_PASSWORD_VALIDATORS)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class VisibleCharactersValidator:
    """At least `min_length` characters that are not whitespace, and at least `min_distinct`
    different ones: "        " (8 spaces) or "aaaaaaaa" pass the length check but are no secret.
    """

    def __init__(self, min_length: int = 8, min_distinct: int = 4) -> None:
        self.min_length = min_length
        self.min_distinct = min_distinct

    def validate(self, password: str, user=None) -> None:
        visible = [ch for ch in password if not ch.isspace()]
        if len(visible) < self.min_length:
            raise ValidationError(
                _("Пароль должен содержать не меньше %(n)d символов, не считая пробелов.")
                % {"n": self.min_length},
                code="password_too_blank",
            )
        if len(set(visible)) < self.min_distinct:
            raise ValidationError(
                _("Пароль должен содержать не меньше %(n)d разных символов.")
                % {"n": self.min_distinct},
                code="password_too_repetitive",
            )

    def get_help_text(self) -> str:
        return _("Не меньше %(n)d символов, не считая пробелов, и не одни и те же символы.") % {
            "n": self.min_length
        }
