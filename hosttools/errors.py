"""Host tools errors: their codes (a client switches on them) and default messages.

The iCal fetcher's reasons (``FeedErrorCode``) reach the host as the import's
code, so they are codes too.
"""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from airbnb.errors import ApplicationError


class HosttoolsErrorCode(StrEnum):
    INVALID_ACTION = "invalid_action"
    PRICE_REQUIRED = "price_required"
    MIN_NIGHTS_REQUIRED = "min_nights_required"
    INVALID_FEED = "invalid_feed"
    FEED_DUPLICATE = "feed_duplicate"
    FEED_LIMIT = "feed_limit"


class FeedErrorCode(StrEnum):
    FEED_URL_INVALID = "feed_url_invalid"
    FEED_UNREACHABLE = "feed_unreachable"
    FEED_HTTP_ERROR = "feed_http_error"
    FEED_TIMEOUT = "feed_timeout"
    FEED_TOO_LARGE = "feed_too_large"
    FEED_MALFORMED = "feed_malformed"


class CalendarActionInvalid(ApplicationError):
    code = HosttoolsErrorCode.INVALID_ACTION
    message = _("Choose what to do with these nights.")


class CalendarImportInvalid(ApplicationError):
    code = HosttoolsErrorCode.INVALID_FEED
    message = _("This calendar address cannot be used.")
