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

# --- Media storage (listing photos, avatars) -------------------------------------
# With AWS_STORAGE_BUCKET_NAME set, uploads go to an S3-compatible object store
# through django-storages (AWS S3, or MinIO / Cloudflare R2 / ... via
# AWS_S3_ENDPOINT_URL); credentials come from boto3's usual chain
# (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, or an instance role). Photos are
# public, so URLs are plain (no signed query strings) and long-cached: every
# file has a random, never-reused name. Without a bucket, files stay on local disk.
AWS_STORAGE_BUCKET_NAME = env_str("AWS_STORAGE_BUCKET_NAME", "")
if AWS_STORAGE_BUCKET_NAME:
    _s3_region = env_str("AWS_S3_REGION_NAME", "")
    _s3_endpoint = env_str("AWS_S3_ENDPOINT_URL", "")
    _s3_domain = env_str("AWS_S3_CUSTOM_DOMAIN", "")  # e.g. a CDN in front of the bucket
    STORAGES = {
        **STORAGES,  # noqa: F405
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": AWS_STORAGE_BUCKET_NAME,
                "region_name": _s3_region or None,
                "endpoint_url": _s3_endpoint or None,
                "custom_domain": _s3_domain or None,
                "location": env_str("AWS_LOCATION", ""),
                "querystring_auth": False,
                "file_overwrite": False,
                "default_acl": None,
                "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
            },
        },
    }
    # Pages load photos from the store: allow its origin for images (and nothing else).
    if _s3_domain:
        _media_origin = f"https://{_s3_domain}"
    elif _s3_endpoint:
        _media_origin = _s3_endpoint.rstrip("/")
    else:
        _media_origin = f"https://{AWS_STORAGE_BUCKET_NAME}.s3.amazonaws.com https://*.amazonaws.com"
    CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.replace(  # noqa: F405
        "img-src 'self' data: blob:", f"img-src 'self' data: blob: {_media_origin}"
    )
