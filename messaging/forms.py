"""Forms of the messaging pages. The rules are the services'; forms parse and show their errors."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import MESSAGE_MAX_LENGTH, NotificationCategory


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Message"),
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": MESSAGE_MAX_LENGTH}),
        error_messages={
            "required": _("Write a message before sending."),
            "max_length": _("Messages can be at most %(limit_value)d characters (this one has %(show_value)d)."),
        },
    )


class NotificationSettingsForm(forms.Form):
    """One checkbox per category: email me about it."""

    HELP = {
        NotificationCategory.MESSAGE: _(
            "New messages from hosts and guests (at most one email per conversation every few minutes)."
        ),
        NotificationCategory.BOOKING: _("Requests, confirmations, cancellations and check-outs."),
        NotificationCategory.REVIEW: _("Reviews you receive, and when reviews are published."),
    }
    LABELS = {
        NotificationCategory.MESSAGE: _("Email me about messages"),
        NotificationCategory.BOOKING: _("Email me about bookings"),
        NotificationCategory.REVIEW: _("Email me about reviews"),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for category in NotificationCategory:
            self.fields[category.value] = forms.BooleanField(
                label=self.LABELS[category], required=False, help_text=self.HELP[category]
            )
