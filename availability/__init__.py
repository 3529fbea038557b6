"""The availability calendar: which nights of a listing are taken, and its per-night overrides.

``models`` (``CalendarNight``, ``NightStatus``), ``services`` (every calendar
write, and the upkeep of ``listings_listing.unavailable``), ``selectors``
(calendar reads, the booking window) and ``errors``. Sits above ``listings`` and
below ``pricing``, ``bookings`` and ``hosttools``, which all read and write the
calendar through it.
"""
