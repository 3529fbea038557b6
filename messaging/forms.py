"""Forms of the messaging pages. The rules are the services'; forms parse and show their errors."""

from __future__ import annotations

from django import forms

from .models import MESSAGE_MAX_LENGTH, NotificationCategory


class MessageForm(forms.Form):
    body = forms.CharField(
        label="Message",
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": MESSAGE_MAX_LENGTH}),
        error_messages={
            "required": "Write a message before sending.",
            "max_length": "Messages can be at most %(limit_value)d characters (this one has %(show_value)d).",
        },
    )


class NotificationSettingsForm(forms.Form):
    """One checkbox per category: email me about it."""

    HELP = {
        NotificationCategory.MESSAGE: "New messages from hosts and guests (at most one email per conversation every "
        "few minutes).",
        NotificationCategory.BOOKING: "Requests, confirmations, cancellations and check-outs.",
        NotificationCategory.REVIEW: "Reviews you receive, and when reviews are published.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for category in NotificationCategory:
            self.fields[category.value] = forms.BooleanField(
                label=f"Email me about {category.label.lower()}", required=False, help_text=self.HELP[category]
            )
