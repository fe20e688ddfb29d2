"""Web forms of disputes, reports and moderator decisions."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.market.forms import IMAGE_ACCEPT
from apps.moderation.models import (
    DisputeOutcome,
    DisputeReason,
    ReportAction,
    ReportReason,
    ReportStatus,
    ReportTarget,
    Sanction,
)


def _image_field() -> forms.FileField:
    # A plain FileField: apps.market.images checks and re-encodes the content itself.
    return forms.FileField(
        label=_("Изображение (необязательно)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": IMAGE_ACCEPT}),
    )


class DisputeOpenForm(forms.Form):
    reason = forms.ChoiceField(label=_("Причина"), choices=DisputeReason.choices)
    text = forms.CharField(
        label=_("Что произошло"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    image = _image_field()

    def __init__(self, *args, reasons=None, respondents=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if reasons is not None:
            self.fields["reason"].choices = [c for c in DisputeReason.choices if c[0] in reasons]
        if respondents is not None:
            self.fields["respondent"] = forms.TypedChoiceField(
                label=_("С кем спор"), choices=respondents, coerce=int
            )
            self.order_fields(["respondent", "reason", "text", "image"])


class DisputeMessageForm(forms.Form):
    text = forms.CharField(
        label=_("Сообщение"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    image = _image_field()


class DisputeDecisionForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Итог"), choices=DisputeOutcome.choices)
    sanction = forms.ChoiceField(
        label=_("Санкция к ответчику"), choices=Sanction.choices, required=False
    )
    note = forms.CharField(
        label=_("Обоснование (видят участники)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReportForm(forms.Form):
    reason = forms.ChoiceField(label=_("Причина"), choices=ReportReason.choices)
    comment = forms.CharField(
        label=_("Комментарий (необязательно)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    accused = forms.IntegerField(required=False, widget=forms.HiddenInput)
    next = forms.CharField(required=False, widget=forms.HiddenInput)


class ReportActionForm(forms.Form):
    action = forms.ChoiceField(label=_("Действие"), choices=ReportAction.choices)
    days = forms.IntegerField(
        label=_("Срок блокировки, дней (для временной)"),
        min_value=1,
        max_value=365,
        required=False,
        initial=7,
    )
    note = forms.CharField(
        label=_("Обоснование (в журнал)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReportFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Статус"), choices=[("", _("Все")), *ReportStatus.choices], required=False
    )
    target_type = forms.ChoiceField(
        label=_("Объект"), choices=[("", _("Все")), *ReportTarget.choices], required=False
    )
    reason = forms.ChoiceField(
        label=_("Причина"), choices=[("", _("Все")), *ReportReason.choices], required=False
    )
