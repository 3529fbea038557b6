"""Reading the environment, strictly.

A malformed variable must stop the process with one clear line naming the variable
and the fix, never fall back silently to a default (``DEBUG=maybe`` is an error, not
``False``). ``manage.py`` and the WSGI/Celery entry points turn the
``ImproperlyConfigured`` raised here into that one line.
"""

import os
from pathlib import Path
from urllib.parse import urlparse

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent

# Defaults point at the project-local services that ``./dev`` starts under var/.
LOCAL_DEFAULTS = {
    "DATABASE_URL": "postgis://airbnb:airbnb@127.0.0.1:54329/airbnb",
    "REDIS_URL": "redis://127.0.0.1:63799/0",
}

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class StrictEnv(environ.Env):
    """django-environ with strict booleans/ints and URLs checked for a scheme and host."""

    def bool(self, var, default=environ.Env.NOTSET):  # noqa: A003 - mirrors environ API
        raw = os.environ.get(var)
        if raw is None:
            if default is environ.Env.NOTSET:
                raise ImproperlyConfigured(f"Set the environment variable {var} (true/false).")
            return default
        value = raw.strip().lower()
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
        raise ImproperlyConfigured(f"Environment variable {var}={raw!r} is not a boolean: use true or false.")

    def int(self, var, default=environ.Env.NOTSET):  # noqa: A003
        raw = os.environ.get(var)
        if raw is None:
            if default is environ.Env.NOTSET:
                raise ImproperlyConfigured(f"Set the environment variable {var} (an integer).")
            return default
        try:
            return int(raw)
        except ValueError:
            raise ImproperlyConfigured(f"Environment variable {var}={raw!r} is not an integer.") from None

    def db_url(self, var="DATABASE_URL", default=environ.Env.NOTSET, engine=None):
        raw = env_str(var, LOCAL_DEFAULTS.get(var))
        parsed = urlparse(raw)
        if parsed.scheme not in {"postgres", "postgresql", "postgis", "pgsql"} or not parsed.path.strip("/"):
            raise ImproperlyConfigured(
                f"Environment variable {var}={raw!r} is not a PostgreSQL URL: "
                "use postgis://USER:PASSWORD@HOST:PORT/DBNAME."
            )
        return self.db_url_config(raw, engine=engine)


env = StrictEnv()


def env_str(name: str, default: str | None = None) -> str:
    """Return the variable, or the local default, or fail with a one-line message."""
    value = os.environ.get(name)
    if value is not None:
        return value
    if name in LOCAL_DEFAULTS and default is None:
        return LOCAL_DEFAULTS[name]
    if default is None:
        raise ImproperlyConfigured(f"Set the environment variable {name}.")
    return default


def redis_url_checked(name: str = "REDIS_URL") -> str:
    raw = env_str(name)
    parsed = urlparse(raw)
    if parsed.scheme not in {"redis", "rediss", "unix"}:
        raise ImproperlyConfigured(f"Environment variable {name}={raw!r} is not a Redis URL: use redis://HOST:PORT/DB.")
    return raw
