"""Analytics against figures computed by hand on a small fixture (period 1-10 March 2027, two listings)."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest

from availability.models import CalendarNight
from hosttools.analytics import PeriodInvalid, analytics_csv, analytics_report
from listings.models import Listing
from pricing.models import ListingViewDay
from tests.listings.factories import ListingFactory

from .conftest import stay

D = Decimal
pytestmark = pytest.mark.django_db
START, END = dt.date(2027, 3, 1), dt.date(2027, 3, 11)  # ten nights


def at(month: int, day: int) -> dt.datetime:
    return dt.datetime(2027, month, day, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def fixture(host):
    a = ListingFactory(host=host, title="A flat")
    b = ListingFactory(host=host, title="B house")
    Listing.objects.filter(pk=a.pk).update(rating_avg=D("4.50"), rating_count=10)
    Listing.objects.filter(pk=b.pk).update(rating_avg=D("4.00"), rating_count=5)
    d = dt.date
    # A: one night of b2 in the period (100 a night after discount), b1 whole (3 x 100), b4 two of four (108 each).
    stay(a, d(2027, 2, 27), d(2027, 3, 2), status="completed", accommodation="330", discount="-30", created=at(1, 5))
    stay(a, d(2027, 3, 2), d(2027, 3, 5), accommodation="300", created=at(2, 20))  # lead time 10 days
    stay(a, d(2027, 3, 7), d(2027, 3, 9), status="cancelled_by_guest", accommodation="200", created=at(3, 1))
    stay(a, d(2027, 3, 9), d(2027, 3, 13), accommodation="480", discount="-48", created=at(3, 5))  # lead 4
    CalendarNight.objects.create(listing=a, date=d(2027, 3, 6), status="blocked")
    CalendarNight.objects.create(listing=a, date=d(2027, 3, 20), status="blocked")  # outside the period
    ListingViewDay.objects.create(listing=a, date=d(2027, 3, 1), views=50)
    ListingViewDay.objects.create(listing=a, date=d(2027, 3, 10), views=30)
    ListingViewDay.objects.create(listing=a, date=d(2027, 2, 28), views=100)  # outside
    # B: a declined request (made in the period, not a stay), an abandoned checkout (ignored), one stay.
    stay(b, d(2027, 3, 3), d(2027, 3, 4), status="declined", accommodation="200", created=at(3, 2))
    stay(b, d(2027, 3, 5), d(2027, 3, 6), status="pending_payment", accommodation="200", created=at(3, 3))
    stay(b, d(2027, 3, 4), d(2027, 3, 6), accommodation="200", created=at(1, 3))  # lead time 60 days
    ListingViewDay.objects.create(listing=b, date=d(2027, 3, 4), views=20)
    # Someone else's listing never counts.
    stay(ListingFactory(), d(2027, 3, 2), d(2027, 3, 5), accommodation="999")
    return a, b


def test_per_listing_figures(host, fixture):
    a, b = fixture
    report = analytics_report(host=host, start=START, end=END)
    ma, mb = report.per_listing[a.pk], report.per_listing[b.pk]

    assert (ma.available, ma.nights_booked, ma.revenue) == (9, 6, D("616.00"))
    assert ma.occupancy == D("0.6667")
    assert ma.adr == D("102.67")  # 616 / 6
    assert ma.revpar == D("68.44")  # 616 / 9
    assert ma.lead_time == D("7.0")  # (10 + 4) / 2
    assert ma.length_of_stay == D("3.5")  # (3 + 4) / 2
    assert (ma.views, ma.bookings_made) == (80, 2)
    assert ma.conversion == D("0.0250")
    assert ma.cancellation_rate == D("0.3333")  # 1 of 3 stays arriving in the period
    assert ma.rating == D("4.50")

    assert (mb.available, mb.nights_booked, mb.revenue) == (10, 2, D("200.00"))
    assert (mb.occupancy, mb.adr, mb.revpar) == (D("0.2000"), D("100.00"), D("20.00"))
    assert (mb.lead_time, mb.length_of_stay) == (D("60.0"), D("2.0"))
    assert (mb.views, mb.bookings_made, mb.conversion) == (20, 1, D("0.0500"))
    assert mb.cancellation_rate == D("0.0000")


def test_overall_figures_sum_the_parts(host, fixture):
    report = analytics_report(host=host, start=START, end=END)
    m = report.overall
    assert (m.available, m.nights_booked, m.revenue) == (19, 8, D("816.00"))
    assert m.occupancy == D("0.4211")
    assert m.adr == D("102.00")
    assert m.revpar == D("42.95")
    assert m.lead_time == D("24.7")  # (10 + 4 + 60) / 3
    assert m.length_of_stay == D("3.0")
    assert (m.views, m.bookings_made, m.conversion) == (100, 3, D("0.0300"))
    assert m.cancellation_rate == D("0.2500")
    assert m.rating == D("4.33")  # (4.5 x 10 + 4 x 5) / 15
    assert report.single_currency == "EUR"


def test_daily_series_for_charts(host, fixture):
    report = analytics_report(host=host, start=START, end=END)
    assert report.bucket == "day" and len(report.series) == 10
    by_day = {point.start: point for point in report.series}
    assert (by_day[dt.date(2027, 3, 4)].nights_booked, by_day[dt.date(2027, 3, 4)].revenue) == (2, D("200.00"))
    assert by_day[dt.date(2027, 3, 6)].available == 1  # A blocked
    assert by_day[dt.date(2027, 3, 6)].nights_booked == 0
    assert sum(p.nights_booked for p in report.series) == 8
    assert sum(p.revenue for p in report.series) == D("816.00")


def test_monthly_series_for_long_periods(host, fixture):
    report = analytics_report(host=host, start=dt.date(2027, 2, 15), end=dt.date(2027, 5, 1))
    assert report.bucket == "month"
    assert [p.label for p in report.series] == ["Feb 2027", "Mar 2027", "Apr 2027"]
    feb = report.series[0]
    assert feb.available == 14 * 2  # 15-28 February, two listings
    assert feb.nights_booked == 2  # 27 and 28 February


def test_one_listing_only(host, fixture):
    a, _ = fixture
    report = analytics_report(host=host, start=START, end=END, listing_ids=[a.pk])
    assert [listing.pk for listing in report.listings] == [a.pk]
    assert report.overall.nights_booked == 6


def test_csv_export(host, fixture):
    a, b = fixture
    rows = list(csv.DictReader(io.StringIO(analytics_csv(analytics_report(host=host, start=START, end=END)))))
    assert [row["title"] for row in rows] == ["A flat", "B house", "All listings"]
    assert rows[0]["revenue"] == "616.00" and rows[0]["adr"] == "102.67" and rows[0]["occupancy"] == "0.6667"
    assert rows[0]["period_end"] == "2027-03-10"
    assert rows[2]["nights_booked"] == "8" and rows[2]["revenue"] == "816.00"


def test_bad_periods_are_refused(host):
    with pytest.raises(PeriodInvalid):
        analytics_report(host=host, start=END, end=START)
    with pytest.raises(PeriodInvalid):
        analytics_report(host=host, start=START, end=START + dt.timedelta(days=800))
