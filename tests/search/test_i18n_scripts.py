"""The browser scripts speak the page's language (docs/languages.md, "Adding a string").

Each script in static/js/ that shows text takes it from Django's JavaScript catalogue
(``gettext``/``ngettext``/``interpolate`` from ``/i18n/js/``), so every page that loads such a
script must load the catalogue before it; a script without the catalogue must not hold English
sentences of its own. Checked by reading the files, then on the pages themselves.
"""

import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from airbnb.js_catalog import catalog_src, catalog_version
from tests.accounts.factories import UserFactory
from tests.listings.factories import ListingFactory

from .conftest import in_paris

ROOT = Path(settings.BASE_DIR)
SCRIPTS = sorted((ROOT / "static" / "js").glob("*.js"))
TEMPLATES = sorted((ROOT / "templates").rglob("*.html"))
CATALOGUE_TAG = '{% include "_js_i18n.html" %}'

_LITERAL = re.compile(r"""(?<![\\\w])(["'])((?:\\.|(?!\1).)*)\1""")
_TRANSLATED = re.compile(r"\b(?:gettext|pgettext)\(\s*$|\bngettext\(\s*(?:[\"'](?:\\.|[^\"'\\])*[\"']\s*,\s*)?$")
# Words read as a sentence: a capital letter and another word ("No stays match"), or words ending
# in a full stop, a colon or an ellipsis. Class lists ("card-grid search-cards"), selectors and
# "use strict" are not.
_SENTENCE = re.compile(r"^[A-Z][a-z']+(?: [\w'’,]+)+|[A-Za-z]{2,} [A-Za-z ,']+[.:…]$")


def _code(source: str) -> str:
    """The script without its comments (which are English on purpose)."""
    source = re.sub(r"/\*.*?\*/", "", source, flags=re.S)
    return re.sub(r"(?m)(^|\s)//.*$", r"\1", source)


def english_sentences(source: str) -> list[str]:
    """String literals that read as English text and are not handed to gettext/ngettext."""
    code = _code(source)
    found = []
    for match in _LITERAL.finditer(code):
        text = match.group(2)
        if _SENTENCE.search(text) and not _TRANSLATED.search(code[: match.start()]):
            found.append(text)
    return found


def uses_the_catalogue(source: str) -> bool:
    return "window.airbnbI18n" in source


def test_the_sentence_finder_sees_untranslated_text():
    """The check below has teeth: yesterday's search.js and hosttools.js would have failed it."""
    assert english_sentences('el("p", { text: "No stays match" + (x ? " in " + y : "") + "." })') == ["No stays match"]
    assert english_sentences('status.textContent = "No nights selected.";') == ["No nights selected."]
    assert english_sentences('label.textContent = showMap ? "Show list" : "Show map";') == ["Show list", "Show map"]
    assert english_sentences('gettext("Show list"); ngettext("%(counter)s bed", "%(counter)s beds", n)') == []
    assert english_sentences('"use strict"; el("ul", { class: "card-grid search-cards" })') == []


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda path: path.name)
def test_no_script_holds_english_text_of_its_own(script):
    assert english_sentences(script.read_text(encoding="utf-8")) == [], (
        f"{script.name}: wrap these in gettext()/ngettext() (docs/languages.md)"
    )


def test_the_scripts_share_one_copy_of_the_catalogue_shims_and_money():
    """Only static/js/i18n.js reads Django's catalogue functions or writes money (one rule, as _money.html)."""
    for script in SCRIPTS:
        if script.name == "i18n.js":
            continue
        code = _code(script.read_text(encoding="utf-8"))
        assert "window.gettext" not in code and "window.get_format" not in code, script.name
        assert "SYMBOLS" not in code, script.name


def test_every_page_loading_a_translated_script_loads_the_catalogue_first():
    translated = {
        script.name
        for script in SCRIPTS
        if script.name != "i18n.js" and uses_the_catalogue(script.read_text(encoding="utf-8"))
    }
    assert {"booking.js", "search.js", "hosttools.js", "photos.js", "listing_map.js"} <= translated
    include = (ROOT / "templates" / "_js_i18n.html").read_text(encoding="utf-8")
    assert 0 <= include.index("{% js_catalog_src %}") < include.index("'js/i18n.js'")
    loads = 0
    for template in TEMPLATES:
        text = template.read_text(encoding="utf-8")
        for name in translated:
            position = text.find(f"'js/{name}'")
            if position < 0:
                continue
            loads += 1
            catalogue = text.find(CATALOGUE_TAG)
            assert 0 <= catalogue < position, (
                f"{template.relative_to(ROOT)} loads js/{name} without the catalogue before it ({CATALOGUE_TAG})"
            )
    assert loads >= 5


# --- on the pages -------------------------------------------------------------------------------


def _order(html: str, script: str, language: str = "en") -> None:
    catalogue = html.find(f'src="{catalog_src(language).replace("&", "&amp;")}"')
    helpers = html.find("js/i18n.js")
    assert 0 <= catalogue < helpers < html.index(f"js/{script}"), script


@pytest.mark.django_db
def test_the_pages_load_the_catalogue_before_their_scripts(client):
    in_paris(title="Loft")
    host = UserFactory()
    listing = ListingFactory(host=host)
    _order(client.get("/search/", {"q": "Paris"}).content.decode(), "search.js")
    client.force_login(host)
    _order(client.get(reverse("hosttools:today")).content.decode(), "hosttools.js")
    _order(client.get(reverse("hosting:photos", args=[listing.pk])).content.decode(), "photos.js")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("es", ["Mostrar lista", "Ya no está disponible en estas fechas", "%(counter)s fotos elegidas.", "Acercar"]),
        ("fr", ["Afficher la liste", "Aucune nuit sélectionnée.", "Zoom avant", "Carte"]),
        ("de", ["Liste anzeigen", "Keine Nächte ausgewählt.", "%(count)s Unterkünfte im Kartenausschnitt"]),
        ("nb", ["Vis liste", "Ingen netter valgt.", "Lagrer den nye rekkefølgen …"]),
    ],
)
def test_the_catalogue_gives_the_scripts_their_strings_in_the_page_language(language, expected):
    catalogue = Client(HTTP_ACCEPT_LANGUAGE=language).get(reverse("javascript-catalog")).content.decode()
    for text in expected:
        assert json.dumps(text)[1:-1] in catalogue, (language, text)  # written as JSON, non-ASCII escaped
    assert '"DECIMAL_SEPARATOR": ","' in catalogue


@pytest.mark.django_db
def test_the_page_names_the_catalogue_of_its_language_which_browsers_keep_a_year(client):
    in_paris(title="Loft")
    html = Client(HTTP_ACCEPT_LANGUAGE="de").get("/search/", {"q": "Paris"}).content.decode()
    _order(html, "search.js", "de")
    src = re.search(r'src="(/i18n/js/[^"]+)"', html).group(1).replace("&amp;", "&")
    assert src == f"{reverse('javascript-catalog')}?lang=de&v={catalog_version()}"
    # The URL alone decides the answer: a French reader fetching the German URL gets German.
    response = Client(HTTP_ACCEPT_LANGUAGE="fr").get(src)
    assert "Liste anzeigen" in response.content.decode()
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    # An old version (before a deploy) or no version: served, but not kept.
    for stale in (f"{reverse('javascript-catalog')}?lang=de&v=0ld", f"{reverse('javascript-catalog')}?lang=de"):
        response = client.get(stale)
        assert "Liste anzeigen" in response.content.decode()
        assert "immutable" not in response.get("Cache-Control", "")
    # An unknown language is the page's language as before.
    response = Client(HTTP_ACCEPT_LANGUAGE="es").get(reverse("javascript-catalog"), {"lang": "xx"})
    assert "Mostrar lista" in response.content.decode()


def test_the_catalogue_version_follows_the_compiled_translations(tmp_path, settings):
    (tmp_path / "de" / "LC_MESSAGES").mkdir(parents=True)
    mo = tmp_path / "de" / "LC_MESSAGES" / "djangojs.mo"
    mo.write_bytes(b"one")
    settings.LOCALE_PATHS = [tmp_path]
    catalog_version.cache_clear()
    try:
        first = catalog_version()
        mo.write_bytes(b"two")
        catalog_version.cache_clear()
        assert catalog_version() != first
    finally:
        catalog_version.cache_clear()
