"""Bearer-token authentication for the API (django-rest-knox tokens).

knox's ``TokenAuthentication`` loads *every* token of the user on every request to
delete the user's other expired tokens. Our tokens do not expire by age
(``REST_KNOX["TOKEN_TTL"] = None``; log-out revokes them), so that sweep is one
wasted query per API call on the hottest paths (booking, search). This class
keeps knox's checks for the token actually presented — a presented token that
has expired is deleted and refused — and skips the sweep of the others.

A token client's saved language (``User.language``) is applied here, once DRF has
authenticated it: the language middleware ran before and only saw Accept-Language
(docs/languages.md, "Which language a request gets"). As on pages, the saved
language wins over Accept-Language; ``Content-Language`` follows it.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone, translation
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from knox.auth import TokenAuthentication
from knox.signals import token_expired

SUPPORTED_LANGUAGES = frozenset(code for code, _name in settings.LANGUAGES)


class BearerTokenAuthentication(TokenAuthentication):
    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None and result[0].language in SUPPORTED_LANGUAGES:
            translation.activate(result[0].language)
            request._request.LANGUAGE_CODE = result[0].language
        return result

    def _cleanup_token(self, auth_token) -> bool:
        """True (and the token deleted) when the presented token has expired."""
        if auth_token.expiry is not None and auth_token.expiry < timezone.now():
            username = auth_token.user.get_username()
            auth_token.delete()
            token_expired.send(sender=self.__class__, username=username, source="auth_token")
            return True
        return False


class BearerTokenScheme(KnoxTokenScheme):
    """The OpenAPI security scheme of ``BearerTokenAuthentication`` (knox's, same header)."""

    target_class = "accounts.authentication.BearerTokenAuthentication"
