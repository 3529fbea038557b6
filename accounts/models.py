"""Users: one account can be a guest and a host at once.

Email is the login; there is no username. Host-facing statistics (superhost,
response rate) live here because search, listing pages and reviews all read them;
the apps that compute them write them through their own services.
"""

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.contrib.postgres.fields import ArrayField
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An email address is required.")
        email = self.normalize_email(email).lower()
        user = self.model(email=email, **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        if not extra["is_staff"] or not extra["is_superuser"]:
            raise ValueError("A superuser needs is_staff and is_superuser.")
        return self._create_user(email, password, **extra)


def avatar_upload_to(instance: "User", filename: str) -> str:
    """A random name: the client's file name is never trusted nor shown (it may carry personal data)."""
    import uuid
    from pathlib import PurePath

    suffix = PurePath(filename).suffix.lower()
    if suffix not in {".jpg", ".jpeg", ".png", ".webp", ".gif"}:
        suffix = ".img"
    return f"avatars/{uuid.uuid4().hex}{suffix}"


# Names are shown to other people and go into email subjects: no line breaks or other
# control characters (a "\r" in a name would make the notification email unsendable).
no_control_characters = RegexValidator(
    r"^[^\x00-\x1f\x7f]+$",
    _("Use letters, spaces and punctuation only (no line breaks)."),
    code="control_characters",
)


class User(AbstractUser):
    username = None
    email = models.EmailField("email address", unique=True)
    first_name = models.CharField("first name", max_length=150, blank=True, validators=[no_control_characters])
    last_name = models.CharField("last name", max_length=150, blank=True, validators=[no_control_characters])
    about = models.TextField(blank=True, max_length=2000)
    languages = ArrayField(models.CharField(max_length=40), default=list, blank=True)
    avatar = models.ImageField(upload_to=avatar_upload_to, blank=True)
    phone = models.CharField(max_length=32, blank=True)
    # The interface language this person chose (pages and emails); blank: follow the browser.
    # Not to be confused with `languages`, the free-text languages a host says they speak.
    language = models.CharField("site language", max_length=8, blank=True, default="", choices=settings.LANGUAGES)

    # Host statistics, maintained by the reviews/messaging services.
    is_superhost = models.BooleanField(default=False, db_index=True)
    response_rate = models.DecimalField(max_digits=4, decimal_places=3, null=True, blank=True)
    response_time_minutes = models.PositiveIntegerField(null=True, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        constraints = [models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique")]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The public name: the first name only (never the email, which is private)."""
        return self.first_name or gettext("Airbnb member")
