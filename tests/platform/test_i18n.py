"""Languages (docs/languages.md): complete catalogues, no English left on translated pages, the chooser.

What is checked, per shipped language (es, fr, de, nb):

- the catalogue is complete: no empty, fuzzy or copied-from-English entry (except the words
  listed in IDENTICAL_IN_TRANSLATION, which really are the same in that language);
- the committed .mo says exactly what the .po says, and ``makemessages`` finds no string in the
  templates that the committed .po lacks (nor one it has that the templates dropped);
- the key pages and the notification email, rendered in that language, show no English sentence
  from the catalogue (visible text, titles, alt text and aria labels).

Every area is marked (templates, Python, scripts, emails); each app's own language tests check its
pages, errors and emails the same way. Text a host wrote (marked with its own ``lang`` attribute)
is never translated and is skipped.
"""

import ast
import datetime as dt
import gettext
import re
import shutil
import subprocess
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format

from airbnb.js_catalog import catalog_src
from tests.accounts.factories import UserFactory
from tests.bookings.helpers import book
from tests.listings.factories import ListingFactory

LOCALE_DIR = Path(settings.BASE_DIR) / "locale"
SHIPPED = [code for code, _name in settings.LANGUAGES if code != "en"]

# The exact makemessages runs the committed catalogues come from (docs/languages.md): templates and
# Python ("django"), and the scripts in static/js/ ("djangojs").
MAKEMESSAGES_OPTIONS = {
    "django": {
        "no_location": True,
        "no_obsolete": True,
        "ignore_patterns": [".venv/*", "var/*", "tests/*", "bench/*", "node_modules/*"],
    },
    "djangojs": {
        "domain": "djangojs",
        "no_location": True,
        "no_obsolete": True,
        "ignore_patterns": [
            "static/vendor/*",
            ".venv/*",
            "var/*",
            "tests/*",
            "bench/*",
            "node_modules/*",
            "templates/*",
        ],
    },
}
DOMAINS = list(MAKEMESSAGES_OPTIONS)

# Entries whose translation is the English text itself, each checked by the translator:
# numbers and codes, brand names, and words the language borrowed unchanged.
# Date patterns Spanish and French write as English does (airbnb/templatetags/dates.py): day, month, year.
SAME_DATE_PATTERNS = {"j M Y", "j M", "D j M", "D j M Y", "D j", "j M, H:i", "j M, H:i e", "D j M, H:i e"}
IDENTICAL_IN_TRANSLATION = {
    "es": {
        "%(status)s: %(number)s",  # a host's listings in a status: "Published: 6"
        "Error 400",
        "Error 403",
        "Error 404",
        "Error 413",
        "Error 500",
        "Total",
        "RevPAR",
        "ADR",
        "%(field)s: %(message)s",
        "%(amount)s %(currency)s",
        "%(file)s: %(problem)s",
        "Euro",
        "Flexible",
        "Loft",
        "Total: %(total)s",
        "Villa",
        "Wifi",
        *SAME_DATE_PATTERNS,
    },
    "fr": {
        "Superhost",
        "Notifications",
        "Total",
        "pages",
        "RevPAR",
        "Conversion",
        "Dates",
        "Messages",
        "Photos",
        "Studio",
        "Latitude",  # the search form's field labels (API error summaries)
        "Longitude",
        "Photos – %(title)s",
        "(photo %(number)s)",
        "photos",
        "Photo %(number)s",
        "Conversation",
        "Page",
        "Taxes",
        "l j F",
        "%(amount)s %(currency)s",
        "Communication",
        "Cottage",
        "Description",
        "Euro",
        "Loft",
        "Message",
        "Villa",
        "Wifi",
        "messages",
        *SAME_DATE_PATTERNS,
        "l j F Y",
    },
    "de": {
        "%(status)s: %(number)s",  # a host's listings in a status: "Published: 6"
        "(optional)",
        "Superhost",
        "Mo",
        "Fr",
        "Sa",
        "Status",
        "Check-in",
        "Check-out",
        "(Smart Pricing)",
        "RevPAR",
        "ADR",
        "Smart Pricing",
        "Links",
        "%(kind)s · %(property)s in %(city)s",
        "Studio",
        "Status:",
        "Update:",
        "%(field)s: %(message)s",
        "%(amount)s %(currency)s",
        "%(file)s: %(problem)s",
        "Euro",
        "Loft",
        "Name",
        "Pool",
        "Status: %(status)s",
        "Villa",
    },
    "nb": {
        "%(status)s: %(number)s",  # a host's listings in a status: "Published: 6"
        "Superhost",
        "minus",
        "for %(date)s",
        "Status",
        "RevPAR",
        "Status:",
        "Send",
        "%(field)s: %(message)s",
        "%(amount)s %(currency)s",
        "%(file)s: %(problem)s",
        "Euro",
        "Loft",
        "Moderate",
        "Status: %(status)s",
        "Villa",
    },
}


# English that Python code renders into the pages unmarked and that equals a template string: none
# since issue 18's second pass. A run added here is ignored by the page check; keep it empty.
PYTHON_SIDE_ENGLISH: set[str] = set()


# --- reading the catalogues --------------------------------------------------


def po_entries(language: str, locale_dir: Path = LOCALE_DIR, domain: str = "django") -> list[dict]:
    """The entries of a committed .po (header excluded): msgctxt, msgid, msgid_plural, msgstr list, flags."""
    entries, entry, key = [], None, None
    text = (locale_dir / language / "LC_MESSAGES" / f"{domain}.po").read_text(encoding="utf-8")
    for line in [*text.splitlines(), ""]:
        if not line.strip():
            if entry is not None and "msgid" in entry:
                entries.append(entry)
            entry = None
            continue
        entry = entry if entry is not None else {"flags": set(), "msgstr": {}}
        if line.startswith("#,"):
            entry["flags"].update(flag.strip() for flag in line[2:].split(","))
            continue
        if line.startswith("#"):
            continue
        match = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d)\])?) "(.*)"$', line)
        if match:
            key = (match[1], match[2])
            value = _unquote(match[3])
        else:
            value = _unquote(line.strip()[1:-1])
        name, index = key
        if name.startswith("msgstr"):
            slot = int(index or 0)
            entry["msgstr"][slot] = entry["msgstr"].get(slot, "") + value
        else:
            entry[name] = entry.get(name, "") + value
    return [e for e in entries if e["msgid"]]


def _unquote(value: str) -> str:
    return ast.literal_eval(f'"{value}"')  # PO strings use C escapes, which Python's are a superset of


def entry_key(entry: dict) -> tuple[str, str, str]:
    return entry.get("msgctxt", ""), entry["msgid"], entry.get("msgid_plural", "")


def english_phrases(language: str) -> set[str]:
    """Literal runs of the msgids (placeholders and tags cut out) that a reader would see as English.

    Two words or more; runs the translation itself keeps (brand names such as "Smart Pricing"
    in German) are not English left over.
    """
    entries = po_entries(language)
    kept = " ".join(text for e in entries for text in e["msgstr"].values())
    phrases = set()
    for entry in entries:
        for source in (entry["msgid"], entry.get("msgid_plural", "")):
            if source in IDENTICAL_IN_TRANSLATION[language]:
                continue
            for run in re.split(r"%\([a-z_]+\)s|<[^>]+>", source.replace("%%", "%")):
                run = " ".join(run.split()).strip(" .,:;·–()")
                if len(re.findall(r"[A-Za-z]{2,}", run)) >= 2 and run not in kept and run not in PYTHON_SIDE_ENGLISH:
                    phrases.add(run)
    return phrases


# --- what a reader sees -------------------------------------------------------


class VisibleText(HTMLParser):
    """Text nodes plus the attributes people hear or see (alt, title, aria-label, placeholder, meta description).

    Skipped: scripts and styles; text a host wrote, which the templates mark with its own ``lang``
    attribute.
    """

    SPOKEN_ATTRIBUTES = ("alt", "title", "aria-label", "placeholder")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip: list[str] = []  # tag names of the open skipped elements, innermost last
        self._depth = 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if self._skip:
            if tag == self._skip[-1]:
                self._depth += 1
            return
        skipped = tag in {"script", "style", "template"} or (tag != "html" and attributes.get("lang") not in (None, ""))
        if skipped:
            self._skip.append(tag)
            self._depth = 1
            return
        for name in self.SPOKEN_ATTRIBUTES:
            if attributes.get(name):
                self.parts.append(attributes[name])
        if tag == "meta" and attributes.get("name") == "description":
            self.parts.append(attributes.get("content") or "")

    def handle_endtag(self, tag):
        if self._skip and tag == self._skip[-1]:
            self._depth -= 1
            if self._depth == 0:
                self._skip.pop()

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)

    def text(self) -> str:
        return " ".join(" ".join(self.parts).split())


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return parser.text()


def english_left(text: str, phrases: set[str]) -> list[str]:
    return sorted(p for p in phrases if re.search(rf"(?<![\w-]){re.escape(p)}(?![\w-])", text))


# --- catalogue checks (no database) --------------------------------------------


@pytest.mark.parametrize("domain", DOMAINS)
@pytest.mark.parametrize("language", SHIPPED)
def test_catalogue_is_complete_and_written_for_the_language(language, domain):
    entries = po_entries(language, domain=domain)
    assert len(entries) > (500 if domain == "django" else 10)
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    empty = [e["msgid"] for e in entries if not all(e["msgstr"].get(i) for i in range(2 if "msgid_plural" in e else 1))]
    copied = [
        e["msgid"]
        for e in entries
        if e["msgstr"].get(0) == e["msgid"] and e["msgid"] not in IDENTICAL_IN_TRANSLATION[language]
    ]
    assert not fuzzy, f"fuzzy entries in {language}: {fuzzy[:10]}"
    assert not empty, f"untranslated entries in {language}: {empty[:10]}"
    assert not copied, f"entries left in English in {language}: {copied[:10]}"
    if domain == "djangojs":
        return
    stale_allowlist = IDENTICAL_IN_TRANSLATION[language] - {
        e["msgid"] for e in entries if e["msgstr"].get(0) == e["msgid"]
    }
    assert not stale_allowlist, f"IDENTICAL_IN_TRANSLATION[{language!r}] lists entries that are no longer identical"


@pytest.mark.parametrize("domain", DOMAINS)
@pytest.mark.parametrize("language", SHIPPED)
def test_committed_mo_matches_the_po(language, domain, tmp_path):
    """A fresh clone works without compilemessages: the committed .mo is the compiled .po, entry for entry."""
    directory = LOCALE_DIR / language / "LC_MESSAGES"
    compiled = tmp_path / f"{domain}.mo"
    # The same msgfmt call as compilemessages; compared entry by entry, not byte by byte, so a
    # different gettext version on another machine does not fail the suite.
    subprocess.run(["msgfmt", "--check-format", "-o", str(compiled), str(directory / f"{domain}.po")], check=True)
    with open(directory / f"{domain}.mo", "rb") as committed, open(compiled, "rb") as fresh:
        assert gettext.GNUTranslations(committed)._catalog == gettext.GNUTranslations(fresh)._catalog, (
            f"locale/{language}/LC_MESSAGES/{domain}.mo is stale: run python manage.py compilemessages"
        )


def test_makemessages_finds_no_new_or_dropped_string(tmp_path, settings, monkeypatch):
    """Every marked string is in the committed catalogues, and none is left there that the templates dropped.

    makemessages writes into the locale directory next to the files it reads, so it runs in a
    tree of links to the project's sources with a copy of locale/: the repository is not touched.
    """
    tree = tmp_path / "project"
    tree.mkdir()
    for source in Path(settings.BASE_DIR).iterdir():
        if source.name not in {"locale", ".git", ".venv", "var", "node_modules"}:
            (tree / source.name).symlink_to(source)
    shutil.copytree(LOCALE_DIR, tree / "locale")
    settings.LOCALE_PATHS = [tree / "locale"]
    monkeypatch.chdir(tree)
    for options in MAKEMESSAGES_OPTIONS.values():
        call_command("makemessages", locale=SHIPPED, verbosity=0, symlinks=True, **options)
    for language, domain in [(language, domain) for language in SHIPPED for domain in DOMAINS]:
        committed = {entry_key(e) for e in po_entries(language, domain=domain)}
        regenerated = {entry_key(e) for e in po_entries(language, locale_dir=tree / "locale", domain=domain)}
        assert regenerated == committed, (
            f"{language} {domain}: new {sorted(regenerated - committed)[:5]}, "
            f"dropped {sorted(committed - regenerated)[:5]}; run makemessages (docs/languages.md), translate, compile"
        )
    assert (LOCALE_DIR / "es" / "LC_MESSAGES" / "django.po").stat().st_mtime < tree.stat().st_mtime


# --- pages ---------------------------------------------------------------------


@pytest.fixture
def world(db):
    """A host with two listings (instant and on request), a guest with a confirmed trip and a pending request."""
    host = UserFactory(first_name="Hanne")
    guest = UserFactory(first_name="Gina")
    instant = ListingFactory(host=host, instant_book=True, base_price=Decimal("1250.50"), language="nb")
    on_request = ListingFactory(host=host, instant_book=False, base_price=Decimal("90"))
    trip = book(guest=guest, listing=instant, start=10, nights=3)
    request = book(guest=guest, listing=on_request, start=20, nights=2)
    assert trip.status == "confirmed" and request.status == "awaiting_host"
    return {
        "host": host,
        "guest": guest,
        "instant": instant,
        "on_request": on_request,
        "trip": trip,
        "request": request,
    }


def key_pages(world) -> list[tuple[str, object]]:
    """(url, who) for the pages of the issue's list: None is an anonymous visitor."""
    host, guest, listing, trip = world["host"], world["guest"], world["instant"], world["trip"]
    later_in, later_out = trip.check_in + dt.timedelta(days=30), trip.check_out + dt.timedelta(days=30)
    return [
        ("/", None),
        (listing.get_absolute_url(), None),
        (listing.get_absolute_url() + f"?check_in={later_in}&check_out={later_out}&guests=2", guest),
        (reverse("accounts:login"), None),
        (reverse("accounts:signup"), None),
        (reverse("bookings:trips"), guest),
        (reverse("bookings:trip_detail", args=[trip.pk]), guest),
        (reverse("bookings:trip_detail", args=[world["request"].pk]), guest),
        (
            reverse("bookings:checkout", args=[listing.pk]) + f"?check_in={later_in}&check_out={later_out}&guests=2",
            guest,
        ),
        (reverse("bookings:trip_cancel", args=[trip.pk]), guest),
        (reverse("bookings:host_cancel", args=[trip.pk]), host),
        (reverse("messaging:inbox"), guest),
        (reverse("messaging:notifications"), guest),
        (reverse("wishlists:index"), guest),
        (reverse("reviews:to_write"), guest),
        (reverse("accounts:profile_edit"), guest),
        (reverse("accounts:profile", args=[host.pk]), guest),
        (reverse("hosttools:today"), host),
        (reverse("hosttools:calendar_all"), host),
        (reverse("hosttools:calendar_listing", args=[listing.pk]), host),
        (reverse("hosttools:listings"), host),
        (reverse("hosttools:earnings"), host),
        (reverse("bookings:host_reservations"), host),
        (reverse("bookings:host_reservation_detail", args=[world["request"].pk]), host),
        (reverse("hosting:listings"), host),
        (reverse("messaging:host_inbox"), host),
        ("/no-such-page/", None),
        # Search: results (the world's listings are in Paris), a corrected typo, no results.
        (f"/search/?q=Paris&checkin={later_in}&checkout={later_out}&guests=2", None),
        ("/search/?q=Olso", None),
        ("/search/?q=Lisbon", guest),
    ]


def client_for(user, language: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize("language", SHIPPED)
def test_key_pages_show_no_english_from_the_catalogue(world, language):
    phrases = english_phrases(language)
    assert len(phrases) > 300  # the check has teeth: hundreds of English runs to look for
    problems = {}
    for url, who in key_pages(world):
        response = client_for(who, language).get(url)
        assert response.status_code in (200, 404), (url, response.status_code)
        assert response["Content-Language"] == language, url
        left = english_left(visible_text(response.content.decode()), phrases)
        if left:
            problems[url] = left
    assert not problems, f"English left on {language} pages: {problems}"


def test_the_check_sees_english_when_a_page_is_not_translated(world):
    """The same pages in English contain the phrases: the check above would notice untranslated text."""
    phrases = english_phrases("es")
    response = client_for(world["guest"], "en").get(reverse("bookings:trip_detail", args=[world["trip"].pk]))
    assert response["Content-Language"] == "en"
    assert len(english_left(visible_text(response.content.decode()), phrases)) >= 5


@pytest.mark.parametrize("language", SHIPPED)
def test_notification_email_is_translated(world, language):
    phrases = english_phrases(language)
    with translation.override(language):
        body = render_to_string(
            "messaging/email/notification.txt",
            {
                "user": world["guest"],
                "email": {"body": ""},
                "url": "https://example.test/trips/1/",
                "settings_url": "https://example.test/notifications/settings/",
                "category_label": "x",
            },
        )
    assert english_left(" ".join(body.split()), phrases) == []
    assert "https://example.test/trips/1/" in body


# --- which language a request gets ------------------------------------------------


def test_accept_language_picks_the_page_language_for_anonymous_visitors(db):
    response = Client(HTTP_ACCEPT_LANGUAGE="es-ES,es;q=0.9,en;q=0.5").get("/")
    assert response["Content-Language"] == "es"
    assert "Accept-Language" in response["Vary"]
    assert '<html lang="es">' in response.content.decode()
    assert "Encuentra un sitio donde alojarte" in response.content.decode()
    english = Client().get("/")
    assert english["Content-Language"] == "en" and "Find a place to stay" in english.content.decode()


def test_the_booking_box_script_gets_its_strings_in_the_page_language(world):
    listing_page = client_for(None, "es").get(world["instant"].get_absolute_url()).content.decode()
    catalogue_url = catalog_src("es")
    assert listing_page.index(f'src="{catalogue_url.replace("&", "&amp;")}"') < listing_page.index("js/booking.js")
    catalogue = client_for(None, "es").get(catalogue_url).content.decode()
    assert "Comprobar disponibilidad" in catalogue and '"DECIMAL_SEPARATOR": ","' in catalogue


def test_an_unshipped_language_falls_back_to_english(db):
    response = Client(HTTP_ACCEPT_LANGUAGE="ja,zh;q=0.8").get("/")
    assert response["Content-Language"] == "en"


def test_api_honours_accept_language(world):
    response = Client(HTTP_ACCEPT_LANGUAGE="de").get(f"/api/v1/listings/{world['instant'].pk}/")
    assert response.status_code == 200
    assert response["Content-Language"] == "de"
    assert "Accept-Language" in response["Vary"]


def test_a_signed_in_users_saved_language_wins_over_accept_language(world):
    guest = world["guest"]
    guest.language = "de"
    guest.save(update_fields=["language"])
    response = client_for(guest, "es").get(reverse("bookings:trips"))
    assert response["Content-Language"] == "de"
    assert "Reisen" in response.content.decode()
    guest.language = ""
    guest.save(update_fields=["language"])
    assert client_for(guest, "es").get(reverse("bookings:trips"))["Content-Language"] == "es"


def test_the_chooser_changes_the_language_and_keeps_the_page(world):
    client = Client()
    page = reverse("bookings:trip_detail", args=[world["trip"].pk])
    client.force_login(world["guest"])
    response = client.post(reverse("set_language"), {"language": "fr", "next": page})
    assert response.status_code == 302 and response["Location"] == page
    assert client.get(page)["Content-Language"] == "fr"
    world["guest"].refresh_from_db()
    assert world["guest"].language == "fr"  # remembered on the account, on any device


def test_the_chooser_works_for_anonymous_visitors_with_a_cookie(db):
    client = Client()
    response = client.post(reverse("set_language"), {"language": "nb", "next": "/accounts/login/"})
    assert response["Location"] == "/accounts/login/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "nb"
    assert "Logg inn" in client.get("/accounts/login/").content.decode()


def test_the_chooser_refuses_unknown_languages_and_foreign_redirects(world):
    client = client_for(world["guest"], "en")
    response = client.post(reverse("set_language"), {"language": "xx", "next": "https://evil.example/"})
    assert response.status_code == 302 and not response["Location"].startswith("https://evil.example")
    world["guest"].refresh_from_db()
    assert world["guest"].language == ""
    assert client.get(reverse("set_language")).status_code == 405


def test_the_chooser_needs_the_csrf_token(db):
    client = Client(enforce_csrf_checks=True)
    assert client.post(reverse("set_language"), {"language": "de", "next": "/"}).status_code == 403


def test_the_header_chooser_posts_every_language_back_to_the_same_page(world):
    html = client_for(world["guest"], "en").get(reverse("bookings:trips") + "?past=1").content.decode()
    assert f'action="{reverse("set_language")}"' in html
    assert 'name="next" value="/trips/?past=1"' in html
    for code, name in [("en", "English"), ("es", "Español"), ("fr", "Français"), ("de", "Deutsch"), ("nb", "Norsk")]:
        assert f'name="language" value="{code}" lang="{code}"' in html and name in html  # each in its own language


def test_the_profile_page_saves_the_language(world):
    client = client_for(world["guest"], "en")
    form = client.get(reverse("accounts:profile_edit")).content.decode()
    assert 'name="language"' in form and "Same as my browser" in form
    response = client.post(reverse("accounts:profile_edit"), {"first_name": "Gina", "language": "es"})
    assert response.status_code == 302
    world["guest"].refresh_from_db()
    assert world["guest"].language == "es"
    assert client.get(reverse("accounts:profile_edit"))["Content-Language"] == "es"


# --- formats and host-written text ----------------------------------------------


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "€1,250.50"),
        ("es", "1\u00a0250,50\u00a0€"),
        ("de", "1.250,50\u00a0€"),
        ("fr", "1\u00a0250,50\u00a0€"),
        ("nb", "1\u00a0250,50\u00a0€"),
    ],
)
def test_money_is_written_the_way_the_language_writes_it(language, expected):
    with translation.override(language):
        assert render_to_string("_money.html", {"amount": Decimal("1250.50"), "currency": "EUR"}) == expected
        # Other currencies keep their exact ISO code.
        assert render_to_string("_money.html", {"amount": Decimal("80"), "currency": "CHF"}).endswith("CHF")


def test_dates_use_the_languages_month_names_and_machine_dates_stay_iso(world):
    trip = world["trip"]
    html = client_for(world["guest"], "es").get(reverse("bookings:trip_detail", args=[trip.pk])).content.decode()
    with translation.override("es"):
        booked_on = date_format(trip.created_at, "j M Y")
    assert booked_on in html and re.search(r"[a-z]", booked_on)  # "3 dic 2026", not "3 Dec 2026"
    assert f'datetime="{trip.check_in.isoformat()}"' in html


def test_host_text_stays_as_written_and_says_its_language(world):
    listing = world["instant"]  # written in Norwegian
    english = client_for(None, "en").get(listing.get_absolute_url()).content.decode()
    assert "Written by the host in Norwegian Bokmål" in english
    assert '<div class="prose" lang="nb">' in english and listing.description in english
    norwegian = client_for(None, "nb").get(listing.get_absolute_url()).content.decode()
    assert "Skrevet av verten" not in norwegian  # same language as the page: nothing to say
    spanish = client_for(None, "es").get(listing.get_absolute_url()).content.decode()
    assert "El anfitrión lo escribió en" in spanish and listing.description in spanish
