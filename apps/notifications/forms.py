from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.notifications.kinds import CHANNELS, KINDS
from apps.notifications.preferences import known_zones

COMMON_ZONES = [
    "Asia/Almaty",
    "Asia/Qostanay",
    "Asia/Aqtobe",
    "Asia/Aqtau",
    "Asia/Oral",
    "Asia/Tashkent",
    "Asia/Bishkek",
    "Asia/Novosibirsk",
    "Asia/Yekaterinburg",
    "Europe/Moscow",
    "UTC",
]


class PreferencesForm(forms.Form):
    """A checkbox per kind and channel (`<kind>__<channel>`), time zone, quiet hours, digest."""

    time_zone = forms.ChoiceField(label=_("Часовой пояс"))
    quiet_start = forms.TimeField(
        label=_("Тихие часы: с"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    quiet_end = forms.TimeField(
        label=_("до"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    email_digest = forms.BooleanField(
        label=_("Присылать письма одной сводкой раз в день (вместо писем по каждому событию)"),
        required=False,
    )

    def __init__(self, *args, current_zone: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        zones = list(COMMON_ZONES)
        if current_zone and current_zone not in zones:
            zones.insert(0, current_zone)
        self.fields["time_zone"].choices = [(z, z) for z in zones]
        for kind in KINDS:
            for channel in CHANNELS:
                self.fields[f"{kind}__{channel.value}"] = forms.BooleanField(required=False)

    def clean_time_zone(self) -> str:
        value = self.cleaned_data["time_zone"]
        if value not in known_zones():
            raise forms.ValidationError(_("Неизвестный часовой пояс"))
        return value

    def clean(self):
        data = super().clean()
        if (data.get("quiet_start") is None) != (data.get("quiet_end") is None):
            raise forms.ValidationError(
                _("Укажите начало и конец тихих часов или оставьте оба пустыми")
            )
        return data

    def channels(self) -> dict[str, dict[str, bool]]:
        return {
            kind: {c.value: self.cleaned_data[f"{kind}__{c.value}"] for c in CHANNELS}
            for kind in KINDS
        }

    def rows(self):
        """(label, [bound field per channel]) for the table in the template."""
        return [
            (k.label, [self[f"{code}__{c.value}"] for c in CHANNELS]) for code, k in KINDS.items()
        ]
