"""Phone numbers: validated and stored in E.164 (+77011234567) with the phonenumbers library.

A number written without a country code is read as a +7 number (Kazakhstan, and Russia, which
shares the code): "8 701 123 45 67" and "+7 (701) 123-45-67" both become "+77011234567".
Numbers with another country code are accepted when valid.
"""

from __future__ import annotations

import phonenumbers

from apps.common.errors import ValidationFailed

DEFAULT_REGION = "KZ"  # +7; the national "8" prefix works for KZ and RU alike


def phone_normalise(raw: str | None) -> str | None:
    """E.164 form of `raw`, None for an empty value; ValidationFailed for a wrong number."""
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        number = phonenumbers.parse(raw, DEFAULT_REGION)
    except phonenumbers.NumberParseException as exc:
        raise ValidationFailed(
            "Введите номер телефона, например +7 701 123 45 67", code="bad_phone"
        ) from exc
    if not phonenumbers.is_valid_number(number):
        raise ValidationFailed("Такого номера телефона не существует", code="bad_phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
