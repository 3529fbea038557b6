"""Local development: what ``./dev run`` uses."""

from .base import *  # noqa: F403
from .base import VAR_DIR, env, env_str

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env_str("SECRET_KEY", "dev-only-insecure-key-never-used-in-production")
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = VAR_DIR / "mail"
ALLOWED_HOSTS = ["*"]
