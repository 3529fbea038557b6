"""The initial amenity catalogue: (code, name, category, icon).

Loaded by a data migration; operators manage it in the admin afterwards. Icons
are SVG files in ``static/icons/<icon>.svg``.
"""

AMENITIES: list[tuple[str, str, str, str]] = [
    # Essentials
    ("wifi", "Wifi", "essentials", "wifi"),
    ("kitchen", "Kitchen", "essentials", "kitchen"),
    ("washer", "Washer", "essentials", "washer"),
    ("dryer", "Dryer", "essentials", "washer"),
    ("air-conditioning", "Air conditioning", "essentials", "snowflake"),
    ("heating", "Heating", "essentials", "flame"),
    ("workspace", "Dedicated workspace", "essentials", "desk"),
    ("tv", "TV", "essentials", "tv"),
    ("hair-dryer", "Hair dryer", "essentials", "wind"),
    ("iron", "Iron", "essentials", "shirt"),
    ("essentials", "Towels, sheets, soap", "essentials", "towel"),
    ("hot-water", "Hot water", "essentials", "droplet"),
    # Features
    ("pool", "Pool", "features", "pool"),
    ("hot-tub", "Hot tub", "features", "hot-tub"),
    ("free-parking", "Free parking on premises", "features", "car"),
    ("ev-charger", "EV charger", "features", "plug"),
    ("gym", "Gym", "features", "dumbbell"),
    ("bbq-grill", "BBQ grill", "features", "flame"),
    ("fireplace", "Indoor fireplace", "features", "flame"),
    ("balcony", "Balcony", "features", "sun"),
    ("garden", "Garden", "features", "leaf"),
    ("breakfast", "Breakfast", "features", "coffee"),
    ("pets-allowed", "Pets allowed", "features", "paw"),
    ("self-check-in", "Self check-in", "features", "key"),
    # Location
    ("beachfront", "Beachfront", "location", "waves"),
    ("waterfront", "Waterfront", "location", "waves"),
    ("ski-in-out", "Ski-in/ski-out", "location", "mountain"),
    ("city-view", "City skyline view", "location", "building"),
    # Safety
    ("smoke-alarm", "Smoke alarm", "safety", "alarm"),
    ("carbon-monoxide-alarm", "Carbon monoxide alarm", "safety", "alarm"),
    ("fire-extinguisher", "Fire extinguisher", "safety", "shield"),
    ("first-aid-kit", "First aid kit", "safety", "plus"),
    # Accessibility
    ("step-free-access", "Step-free guest entrance", "accessibility", "accessible"),
    ("wide-entrance", "Guest entrance wider than 32 inches", "accessibility", "accessible"),
    ("step-free-bathroom", "Step-free shower", "accessibility", "accessible"),
    ("grab-bars", "Shower or toilet grab bars", "accessibility", "accessible"),
    ("accessible-parking", "Disabled parking spot", "accessibility", "car"),
    ("elevator", "Elevator", "accessibility", "elevator"),
]

AMENITY_CODES = frozenset(code for code, *_ in AMENITIES)

# Currencies a host may price a listing in (ISO 4217), most used first. Prices are
# stored and quoted in the listing's own currency; there is no conversion.
CURRENCIES: list[tuple[str, str]] = [
    ("USD", "US dollar"),
    ("EUR", "Euro"),
    ("GBP", "Pound sterling"),
    ("JPY", "Japanese yen"),
    ("CNY", "Chinese yuan"),
    ("BRL", "Brazilian real"),
    ("MXN", "Mexican peso"),
    ("INR", "Indian rupee"),
    ("CAD", "Canadian dollar"),
    ("AUD", "Australian dollar"),
    ("PHP", "Philippine peso"),
    ("TRY", "Turkish lira"),
    ("PLN", "Polish złoty"),
    ("THB", "Thai baht"),
    ("MYR", "Malaysian ringgit"),
    ("ZAR", "South African rand"),
    ("NZD", "New Zealand dollar"),
    ("HUF", "Hungarian forint"),
    ("SEK", "Swedish krona"),
    ("ILS", "Israeli new shekel"),
    ("AED", "UAE dirham"),
    ("CHF", "Swiss franc"),
    ("NOK", "Norwegian krone"),
    ("CZK", "Czech koruna"),
    ("HKD", "Hong Kong dollar"),
    ("DKK", "Danish krone"),
    ("SGD", "Singapore dollar"),
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
