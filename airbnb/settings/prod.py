"""Production: every secret from the environment, HTTPS-only cookies, HSTS.

``SECRET_KEY`` is required (no default). ``manage.py check --deploy`` with these
settings reports nothing; a test keeps it that way.
"""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import PAYMENT_GATEWAY, env, env_str

DEBUG = False
SECRET_KEY = env_str("SECRET_KEY", "")
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("Set SECRET_KEY to a random string of at least 50 characters in production.")

SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")

if PAYMENT_GATEWAY.endswith("StripeGateway"):
    for _name in ("STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET"):
        if not env_str(_name, ""):
            raise ImproperlyConfigured(f"Set {_name}: PAYMENT_GATEWAY=stripe needs it in production.")
