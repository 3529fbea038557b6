"""The initial amenity catalogue: (code, name, category, icon).

Loaded by a data migration; operators manage it in the admin afterwards. Icons
are SVG files in ``static/icons/<icon>.svg``. The names are stored in English and
are msgids (``gettext_noop``): pages show ``Amenity.display_name``, the name in the
reader's language; codes and stored names never change with the language.
"""

from django.utils.translation import gettext_noop

AMENITIES: list[tuple[str, str, str, str]] = [
    # Essentials
    ("wifi", gettext_noop("Wifi"), "essentials", "wifi"),
    ("kitchen", gettext_noop("Kitchen"), "essentials", "kitchen"),
    ("washer", gettext_noop("Washer"), "essentials", "washer"),
    ("dryer", gettext_noop("Dryer"), "essentials", "washer"),
    ("air-conditioning", gettext_noop("Air conditioning"), "essentials", "snowflake"),
    ("heating", gettext_noop("Heating"), "essentials", "flame"),
    ("workspace", gettext_noop("Dedicated workspace"), "essentials", "desk"),
    ("tv", gettext_noop("TV"), "essentials", "tv"),
    ("hair-dryer", gettext_noop("Hair dryer"), "essentials", "wind"),
    ("iron", gettext_noop("Iron"), "essentials", "shirt"),
    ("essentials", gettext_noop("Towels, sheets, soap"), "essentials", "towel"),
    ("hot-water", gettext_noop("Hot water"), "essentials", "droplet"),
    # Features
    ("pool", gettext_noop("Pool"), "features", "pool"),
    ("hot-tub", gettext_noop("Hot tub"), "features", "hot-tub"),
    ("free-parking", gettext_noop("Free parking on premises"), "features", "car"),
    ("ev-charger", gettext_noop("EV charger"), "features", "plug"),
    ("gym", gettext_noop("Gym"), "features", "dumbbell"),
    ("bbq-grill", gettext_noop("BBQ grill"), "features", "flame"),
    ("fireplace", gettext_noop("Indoor fireplace"), "features", "flame"),
    ("balcony", gettext_noop("Balcony"), "features", "sun"),
    ("garden", gettext_noop("Garden"), "features", "leaf"),
    ("breakfast", gettext_noop("Breakfast"), "features", "coffee"),
    ("pets-allowed", gettext_noop("Pets allowed"), "features", "paw"),
    ("self-check-in", gettext_noop("Self check-in"), "features", "key"),
    # Location
    ("beachfront", gettext_noop("Beachfront"), "location", "waves"),
    ("waterfront", gettext_noop("Waterfront"), "location", "waves"),
    ("ski-in-out", gettext_noop("Ski-in/ski-out"), "location", "mountain"),
    ("city-view", gettext_noop("City skyline view"), "location", "building"),
    # Safety
    ("smoke-alarm", gettext_noop("Smoke alarm"), "safety", "alarm"),
    ("carbon-monoxide-alarm", gettext_noop("Carbon monoxide alarm"), "safety", "alarm"),
    ("fire-extinguisher", gettext_noop("Fire extinguisher"), "safety", "shield"),
    ("first-aid-kit", gettext_noop("First aid kit"), "safety", "plus"),
    # Accessibility
    ("step-free-access", gettext_noop("Step-free guest entrance"), "accessibility", "accessible"),
    ("wide-entrance", gettext_noop("Guest entrance wider than 32 inches"), "accessibility", "accessible"),
    ("step-free-bathroom", gettext_noop("Step-free shower"), "accessibility", "accessible"),
    ("grab-bars", gettext_noop("Shower or toilet grab bars"), "accessibility", "accessible"),
    ("accessible-parking", gettext_noop("Disabled parking spot"), "accessibility", "car"),
    ("elevator", gettext_noop("Elevator"), "accessibility", "elevator"),
]

AMENITY_CODES = frozenset(code for code, *_ in AMENITIES)

# Currencies a host may price a listing in (ISO 4217), most used first. Prices are
# stored and quoted in the listing's own currency; there is no conversion. Names are msgids too.
CURRENCIES: list[tuple[str, str]] = [
    ("USD", gettext_noop("US dollar")),
    ("EUR", gettext_noop("Euro")),
    ("GBP", gettext_noop("Pound sterling")),
    ("JPY", gettext_noop("Japanese yen")),
    ("CNY", gettext_noop("Chinese yuan")),
    ("BRL", gettext_noop("Brazilian real")),
    ("MXN", gettext_noop("Mexican peso")),
    ("INR", gettext_noop("Indian rupee")),
    ("CAD", gettext_noop("Canadian dollar")),
    ("AUD", gettext_noop("Australian dollar")),
    ("PHP", gettext_noop("Philippine peso")),
    ("TRY", gettext_noop("Turkish lira")),
    ("PLN", gettext_noop("Polish złoty")),
    ("THB", gettext_noop("Thai baht")),
    ("MYR", gettext_noop("Malaysian ringgit")),
    ("ZAR", gettext_noop("South African rand")),
    ("NZD", gettext_noop("New Zealand dollar")),
    ("HUF", gettext_noop("Hungarian forint")),
    ("SEK", gettext_noop("Swedish krona")),
    ("ILS", gettext_noop("Israeli new shekel")),
    ("AED", gettext_noop("UAE dirham")),
    ("CHF", gettext_noop("Swiss franc")),
    ("NOK", gettext_noop("Norwegian krone")),
    ("CZK", gettext_noop("Czech koruna")),
    ("HKD", gettext_noop("Hong Kong dollar")),
    ("DKK", gettext_noop("Danish krone")),
    ("SGD", gettext_noop("Singapore dollar")),
]
CURRENCY_CODES = frozenset(code for code, _ in CURRENCIES)
ICONS = sorted({icon for *_, icon in AMENITIES})


def amenity_catalogue_load(amenity_model) -> None:
    """Insert or update the catalogue rows (used by the data migration and by tests).

    Takes the model class so the migration can pass its historical model.
    """
    for order, (code, name, category, icon) in enumerate(AMENITIES):
        amenity_model.objects.update_or_create(
            code=code, defaults={"name": name, "category": category, "icon": icon, "sort_order": order}
        )
