"""Account writes: registration and profile updates, shared by pages and the API."""

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext

from .models import User


def user_register(*, email: str, password: str, first_name: str = "", last_name: str = "") -> User:
    """Create a user after checking the email is free and the password passes the rules.

    Raises ``ValidationError`` (field-keyed) on a taken email or a weak password.
    """
    email = User.objects.normalize_email(email).strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": [gettext("An account with this email already exists.")]})
    candidate = User(email=email, first_name=first_name, last_name=last_name)
    try:
        password_validation.validate_password(password, user=candidate)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from None
    try:
        with transaction.atomic():
            return User.objects.create_user(email=email, password=password, first_name=first_name, last_name=last_name)
    except IntegrityError:
        # Lost a race with a concurrent sign-up for the same address.
        raise ValidationError({"email": [gettext("An account with this email already exists.")]}) from None
