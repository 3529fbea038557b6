"""The interface language: which one a request is served in, and the chooser that changes it.

Order of precedence (docs/languages.md):
1. a signed-in user's saved ``User.language`` (set by the chooser or the profile page);
2. the chooser's cookie (``django_language``), for anonymous visitors;
3. the browser's Accept-Language (Django's LocaleMiddleware does 2 and 3, for pages and the API);
4. English.

URLs carry no language: the same address serves every language, and responses say
``Content-Language`` and ``Vary: Accept-Language, Cookie``.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

SUPPORTED = frozenset(code for code, _name in settings.LANGUAGES)


class UserLanguageMiddleware:
    """After authentication: activate the signed-in user's saved language, if they chose one.

    LocaleMiddleware (earlier in the chain) already picked the cookie or Accept-Language
    language; its response step writes ``Content-Language`` from whatever is active then,
    so the header follows this choice too.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language in SUPPORTED:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return self.get_response(request)


def user_language_set(*, user, language: str) -> None:
    """Save ``language`` (a code from settings.LANGUAGES, or "" to follow the browser) on ``user``.

    Raises ValueError for a code the site does not ship.
    """
    if language and language not in SUPPORTED:
        raise ValueError(f"unsupported language {language!r}")
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """The header chooser: Django's set_language (cookie, safe ``next`` redirect), remembered on the account.

    CSRF-protected like every POST. An unknown code changes nothing (Django ignores it).
    """
    response = django_set_language(request)
    language = request.POST.get("language", "")
    if language in SUPPORTED and request.user.is_authenticated:
        user_language_set(user=request.user, language=language)
    return response
