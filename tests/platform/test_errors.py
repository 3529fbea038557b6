"""One error model: every code has one home, one HTTP status, and services never speak HTTP.

``airbnb.errors.ApplicationError`` carries a code enum member; the API turns it
into a status through ``airbnb.api.errors.HTTP_STATUS_BY_CODE`` and pages place it
through ``airbnb.form_errors.FORM_FIELD_BY_CODE`` (docs/architecture.md, "Errors").
"""

import ast
import configparser
import html
import importlib
import pkgutil
import re
from enum import StrEnum
from pathlib import Path

import pytest
from django.test import Client

from airbnb.api.errors import ERROR_CODES, HTTP_STATUS_BY_CODE
from airbnb.errors import ApplicationError, CommonErrorCode
from airbnb.form_errors import FORM_FIELD_BY_CODE, application_error_from_body
from airbnb.models import IdempotencyRecord
from bookings.models import Booking, BookingStatus
from payments.errors import DeclineCode, decline_code
from tests.accounts.factories import UserFactory
from tests.bookings.helpers import days
from tests.listings.factories import ListingFactory

ROOT = Path(__file__).resolve().parents[2]
APPS = configparser.ConfigParser()
APPS.read(ROOT / ".importlinter")
APPS = APPS["importlinter"]["root_packages"].split()


def _import_every_module() -> None:
    for app in APPS:
        package = importlib.import_module(app)
        for info in pkgutil.walk_packages(package.__path__, f"{app}."):
            if any(part in info.name for part in (".migrations", ".management", ".settings", ".wsgi", ".asgi")):
                continue
            importlib.import_module(info.name)


def _code_enums() -> list[type[StrEnum]]:
    """Every ``StrEnum`` in ``airbnb.errors`` and each app's ``errors`` module."""
    found = []
    for app in APPS:
        name = "airbnb.errors" if app == "airbnb" else f"{app}.errors"
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError:
            continue
        found += [
            value
            for value in vars(module).values()
            if isinstance(value, type) and issubclass(value, StrEnum) and value.__module__ == name
        ]
    return found


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_every_code_has_an_http_status_and_one_home():
    enums = _code_enums()
    assert CommonErrorCode in enums and len(enums) >= 9
    homes: dict[str, str] = {}
    for enum in enums:
        for code in enum:
            assert code in HTTP_STATUS_BY_CODE, f"{enum.__name__}.{code.name} has no HTTP status"
            assert 400 <= HTTP_STATUS_BY_CODE[code] <= 599
            assert code.value not in homes, f"{code.value!r} is in {homes.get(code.value)} and {enum.__name__}"
            homes[code.value] = enum.__name__
    # ...and the table names nothing that is not a code.
    assert set(ERROR_CODES) == set(homes)


def test_every_application_error_has_a_registered_default_code():
    _import_every_module()
    errors = list(_subclasses(ApplicationError))
    assert len(errors) >= 40
    for error in errors:
        assert error.code in HTTP_STATUS_BY_CODE, f"{error.__module__}.{error.__name__}: {error.code!r}"
        assert error.message, error


def test_a_free_string_is_not_a_code():
    with pytest.raises(TypeError):
        ApplicationError("dates_unavailable", "These dates are not available.")
    error = ApplicationError(CommonErrorCode.NOT_FOUND, "Not here.", hint="x")
    assert (error.code, error.message, error.extra, str(error)) == (
        "not_found",
        "Not here.",
        {"hint": "x"},
        "Not here.",
    )


def _raised_codes(path: Path, errors: set[str]) -> list[str]:
    """Raises of an application error whose code is a string literal (``code="x"`` or the first argument)."""
    bad = []
    tree = ast.parse(path.read_text())
    # DRF's and Django's NotFound / PermissionDenied share names with ours: not ours.
    foreign = {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in ("rest_framework", "django")
        for alias in node.names
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
            call = node.exc
            name = getattr(call.func, "id", None) or getattr(call.func, "attr", None)
            if name not in errors or (name in foreign and isinstance(call.func, ast.Name)):
                continue
            literal_first = call.args and isinstance(call.args[0], ast.Constant)
            literal_keyword = any(k.arg == "code" and isinstance(k.value, ast.Constant) for k in call.keywords)
            if literal_first or literal_keyword:
                bad.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return bad


def test_no_service_raises_a_free_string_code():
    _import_every_module()
    errors = {cls.__name__ for cls in _subclasses(ApplicationError)} | {"ApplicationError"}
    found = []
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" not in path.parts:
                found += _raised_codes(path, errors)
    assert found == []


DOMAIN_PARTS = ("services", "selectors", "errors", "state", "locks", "policies", "hooks", "tasks", "models")


def test_services_and_selectors_never_import_rest_framework():
    offenders = []
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            relative = path.relative_to(ROOT)
            if "migrations" in relative.parts or "api" in relative.parts or relative.name == "api.py":
                continue
            if not any(part.removesuffix(".py") in DOMAIN_PARTS for part in relative.parts[1:]):
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                names = []
                if isinstance(node, ast.ImportFrom) and node.module:
                    names = [node.module]
                elif isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                offenders += [f"{relative}:{node.lineno}" for name in names if name.split(".")[0] == "rest_framework"]
    assert offenders == []


def test_the_scan_sees_services():
    # The scan above looks at these files (a renamed folder must not make it vacuous).
    scanned = [p for p in (ROOT / "bookings").rglob("*.py") if "services" in p.parts]
    assert len(scanned) >= 5


def test_decline_reasons_are_known_codes_or_card_declined():
    assert decline_code("insufficient_funds") is DeclineCode.INSUFFICIENT_FUNDS
    assert decline_code("expired_card") is DeclineCode.EXPIRED_CARD
    assert decline_code("pickup_card") is DeclineCode.CARD_DECLINED  # a reason we do not name
    assert decline_code("") is DeclineCode.CARD_DECLINED
    assert decline_code(None) is DeclineCode.CARD_DECLINED
    assert all(HTTP_STATUS_BY_CODE[code] == 402 for code in DeclineCode)


def test_a_stored_error_rebuilds_with_its_code_message_and_extra():
    body = {"error": {"code": "dates_unavailable", "message": "Taken.", "alternatives": [{"check_in": "x"}]}}
    error = application_error_from_body("dates_unavailable", body)
    assert error.code is ERROR_CODES["dates_unavailable"] and error.message == "Taken."
    assert error.extra == {"alternatives": [{"check_in": "x"}]}
    assert FORM_FIELD_BY_CODE.get("insufficient_funds") == "card_number"


# --- the checkout replays a stored failure from its code -------------------------------------------


@pytest.mark.django_db
def test_checkout_replay_from_a_stored_code_shows_the_same_message_in_the_same_place():
    listing = ListingFactory(instant_book=True)
    guest = UserFactory()
    client = Client()
    client.force_login(guest)
    stay = {"check_in": days(10).isoformat(), "check_out": days(12).isoformat(), "guests": 1}
    page = client.get(f"/rooms/{listing.pk}/book/", stay).content.decode()
    key = re.search(r'name="idempotency_key" value="([^"]+)"', page).group(1)
    body = {**stay, "idempotency_key": key, "message": "", "card_number": "4000 0000 0000 9995"}

    def card_error(response) -> str:
        match = re.search(r'id="pay_card_number_error"[^>]*>(.*?)</', response.content.decode(), re.S)
        assert match, "no error next to the card"
        return html.unescape(match.group(1)).strip()

    first = client.post(f"/rooms/{listing.pk}/book/", body)
    record = IdempotencyRecord.objects.get(key=key)
    assert record.error_code == "insufficient_funds" and "response_status" not in vars(record)
    replay = client.post(f"/rooms/{listing.pk}/book/", body)
    assert card_error(first) == card_error(replay)
    assert "insufficient funds" in card_error(replay)
    assert Booking.objects.filter(guest=guest).count() == 1
    assert Booking.objects.get(guest=guest).status == BookingStatus.PAYMENT_FAILED
