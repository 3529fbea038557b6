from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.core.exceptions import ValidationError
from django.utils.translation import get_language_info, gettext
from django.utils.translation import gettext_lazy as _

from .models import User, no_control_characters
from .services import user_register
from .throttling import client_ip, login_blocked_for, login_blocked_message, login_failure_record, login_failures_clear

MAX_AVATAR_BYTES = 5 * 1024 * 1024


class SignUpForm(forms.Form):
    first_name = forms.CharField(
        max_length=150,
        label=_("First name"),
        validators=[no_control_characters],
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        max_length=150,
        required=False,
        label=_("Last name"),
        validators=[no_control_characters],
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    email = forms.EmailField(label=_("Email"), widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    password = forms.CharField(
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        label=_("Password"),
        help_text=_("At least 10 characters."),
    )

    def save(self) -> User:
        try:
            return user_register(**self.cleaned_data)
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                for message in messages:
                    self.add_error(field if field in self.fields else None, message)
            raise


class LoginForm(auth_forms.AuthenticationForm):
    username = forms.EmailField(
        label=_("Email"), widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "username"})
    )

    def clean_username(self) -> str:
        # Emails are stored lower-cased; "Ana@Example.com" must log in as well.
        return self.cleaned_data["username"].strip().lower()

    def clean(self):
        """Refuse a throttled email+IP before checking the password; count failures (accounts.throttling)."""
        email = self.cleaned_data.get("username")
        if not email or not self.cleaned_data.get("password"):
            return super().clean()
        ip = client_ip(self.request)
        wait = login_blocked_for(email=email, ip=ip)
        if wait is not None:
            raise ValidationError(login_blocked_message(wait), code="throttled")
        try:
            cleaned = super().clean()
        except ValidationError:
            login_failure_record(email=email, ip=ip)
            raise
        login_failures_clear(email=email, ip=ip)
        return cleaned


class PhotoInput(forms.ClearableFileInput):
    """The avatar picker, worded for people rather than files."""

    initial_text = _("Current photo")
    input_text = _("Upload a new photo")
    clear_checkbox_label = _("Remove my photo")


class ProfileForm(forms.ModelForm):
    languages = forms.CharField(
        required=False, label=_("Languages you speak"), help_text=_("Comma-separated, e.g. English, Français")
    )

    class Meta:
        model = User
        fields = ["first_name", "last_name", "about", "phone", "avatar", "language"]
        labels = {
            "first_name": _("First name"),
            "last_name": _("Last name"),
            "about": _("About you"),
            "phone": _("Phone number"),
            "avatar": _("Profile photo"),
            "language": _("Language for pages and emails"),
        }
        widgets = {
            "about": forms.Textarea(attrs={"rows": 4}),
            "avatar": PhotoInput(attrs={"accept": "image/png,image/jpeg,image/webp,image/gif"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial["languages"] = ", ".join(self.instance.languages or [])
        # Blank follows the browser (Accept-Language); the header's chooser sets the same field.
        self.fields["language"].choices = [
            ("", _("Same as my browser")),
            *((code, get_language_info(code)["name_local"].capitalize()) for code, _name in settings.LANGUAGES),
        ]

    def clean_languages(self) -> list[str]:
        raw = self.cleaned_data.get("languages") or ""
        langs = [part.strip() for part in raw.split(",") if part.strip()]
        if len(langs) > 20 or any(len(lang) > 40 for lang in langs):
            raise ValidationError(gettext("List at most 20 languages of up to 40 characters each."))
        return langs

    def clean_avatar(self):
        avatar = self.cleaned_data.get("avatar")
        if avatar and getattr(avatar, "size", 0) > MAX_AVATAR_BYTES:
            raise ValidationError(gettext("The photo must be smaller than 5 MB."))
        return avatar

    def save(self, commit: bool = True) -> User:
        self.instance.languages = self.cleaned_data["languages"]
        return super().save(commit=commit)
