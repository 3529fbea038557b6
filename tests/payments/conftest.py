"""Payments tests book stays through the booking saga: the same neutral pricing rules as booking tests."""

from tests.bookings.conftest import _neutral_pricing_rules  # noqa: F401 - autouse fixture
