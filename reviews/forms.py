"""Forms of the review pages. The rules are the services'; forms parse and show their errors."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from .models import GUEST_CATEGORIES, STAY_CATEGORIES, Review, ReviewReport
from .services.submission import COMMENT_MAX, PRIVATE_NOTE_MAX, RESPONSE_MAX


def star_choices() -> list[tuple[int, str]]:
    """1 to 5 stars, named in the active language."""
    return [(n, ngettext("%(count)s star", "%(count)s stars", n) % {"count": n}) for n in range(1, 6)]


STARS = star_choices  # callable choices: evaluated per form, in the request's language

# The message when a category is left unrated, one whole sentence per category.
RATE_CATEGORY = {
    "cleanliness": _("Rate cleanliness from 1 to 5 stars."),
    "accuracy": _("Rate accuracy from 1 to 5 stars."),
    "check_in": _("Rate check-in from 1 to 5 stars."),
    "communication": _("Rate communication from 1 to 5 stars."),
    "location": _("Rate location from 1 to 5 stars."),
    "value": _("Rate value from 1 to 5 stars."),
    "house_rules": _("Rate respect for house rules from 1 to 5 stars."),
}


class ReviewForm(forms.Form):
    """Overall stars, one star rating per category, a public comment (and the guest's private note)."""

    overall = forms.TypedChoiceField(label=_("Overall"), choices=STARS, coerce=int, widget=forms.RadioSelect)
    comment = forms.CharField(
        label=_("Your public review"),
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Write a few words for your review.")},
    )

    def __init__(self, *args, direction: str, subject_name: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.direction = direction
        self.as_guest = direction == Review.Direction.GUEST_TO_HOST
        self.category_labels = STAY_CATEGORIES if self.as_guest else GUEST_CATEGORIES
        for code, label in self.category_labels.items():
            self.fields[f"category_{code}"] = forms.TypedChoiceField(
                label=label,
                choices=STARS,
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": RATE_CATEGORY.get(code) or _("Choose from 1 to 5 stars.")},
            )
        self.fields["overall"].error_messages["required"] = gettext("Choose an overall rating from 1 to 5 stars.")
        if self.as_guest:
            self.fields["comment"].help_text = gettext("Shown on the listing page and on %(name)s's profile.") % {
                "name": subject_name
            }
            self.fields["private_note"] = forms.CharField(
                label=gettext("A private note to %(name)s") % {"name": subject_name},
                required=False,
                max_length=PRIVATE_NOTE_MAX,
                widget=forms.Textarea(attrs={"rows": 3}),
                help_text=_("Only your host reads this, once reviews are published."),
            )
        else:
            self.fields["comment"].label = gettext("Your public review of %(name)s") % {"name": subject_name}
            self.fields["comment"].help_text = gettext("Shown on %(name)s's profile.") % {"name": subject_name}
        # Order: overall, categories, texts.
        order = ["overall", *(f"category_{code}" for code in self.category_labels), "comment", "private_note"]
        self.order_fields(order)

    def rating_fields(self) -> list:
        return [self[name] for name in self.fields if name == "overall" or name.startswith("category_")]

    def text_fields(self) -> list:
        return [self[name] for name in ("comment", "private_note") if name in self.fields]

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "overall": data["overall"],
            "categories": {code: data[f"category_{code}"] for code in self.category_labels},
            "comment": data["comment"],
            "private_note": data.get("private_note", ""),
        }

    def add_service_errors(self, error: ValidationError) -> None:
        for field, messages in error.message_dict.items():
            self.add_error(field if field in self.fields else None, messages)


class ResponseForm(forms.Form):
    response = forms.CharField(
        label=_("Your public response"),
        max_length=RESPONSE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write your response.")},
        help_text=_("You can respond once; it is shown under the review."),
    )


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why are you reporting this review?"), choices=ReviewReport.Reason.choices, widget=forms.RadioSelect
    )
    details = forms.CharField(
        label=_("Anything else we should know?"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
