"""The host dashboard: Today, calendars, listings, pricing, calendar sync, earnings, analytics.

Server-rendered; views parse a form, call one service and render or redirect.
Every page reads only the signed-in host's own listings: another user's
listing is a 404, the same answer as for one that does not exist.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from airbnb.errors import ApplicationError
from airbnb.form_errors import form_add_application_error
from listings.localtime import listing_today
from listings.models import ListingStatus
from listings.selectors import host_today
from messaging.selectors import host_inbox_unread_count
from payments.services import payouts as payout_services
from pricing.errors import PricingSettingsInvalid
from pricing.services.host import listing_pricing_get, listing_pricing_update
from pricing.services.smart import smart_pricing_set

from . import analytics as host_analytics
from .access import access_calendar_import, access_host_listing, access_ical_feed
from .charts import bar_chart
from .forms import CalendarImportForm, PeriodForm, PricingSettingsForm, RangeActionForm
from .models import CalendarImport
from .selectors import (
    calendar_month,
    calendar_multi,
    earnings_by_month,
    earnings_totals,
    host_listings,
    listings_overview,
    today_overview,
)
from .services import (
    calendar_range_apply,
    ical_export_document,
    ical_export_get,
    ical_export_rotate,
    ical_import_add,
    ical_import_remove,
)
from .tasks import ical_import_sync_task

MULTI_CALENDAR_DAYS = 14
MULTI_CALENDAR_PER_PAGE = 20


def _date_param(value: str | None, default: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(value) if value else default
    except ValueError:
        return default


def _month_param(value: str | None, default: dt.date) -> dt.date:
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        return dt.date(year, month, 1)
    except ValueError:
        return default.replace(day=1)


# --- Today -------------------------------------------------------------------------------


@login_required
@require_safe
def today(request):
    overview = today_overview(host=request.user)
    return render(
        request,
        "hosttools/today.html",
        {
            "overview": overview,
            "has_listings": host_listings(host=request.user).exists(),
            "unread_messages": host_inbox_unread_count(user=request.user),
            "tab": "today",
        },
    )


# --- calendars ---------------------------------------------------------------------------


@login_required
@require_safe
def calendar_all(request):
    """All listings side by side for two weeks from ``start``, 20 listings a page."""
    today_date = host_today(host=request.user)
    start = _date_param(request.GET.get("start"), today_date)
    page = Paginator(host_listings(host=request.user), MULTI_CALENDAR_PER_PAGE).get_page(request.GET.get("page"))
    rows = calendar_multi(listings=list(page.object_list), start=start, days=MULTI_CALENDAR_DAYS, today=today_date)
    days = [start + dt.timedelta(days=i) for i in range(MULTI_CALENDAR_DAYS)]
    return render(
        request,
        "hosttools/calendar_all.html",
        {
            "rows": rows,
            "days": days,
            "page": page,
            "start": start,
            "earlier": start - dt.timedelta(days=MULTI_CALENDAR_DAYS),
            "later": start + dt.timedelta(days=MULTI_CALENDAR_DAYS),
            "today": today_date,
            "tab": "calendar",
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def calendar_listing(request, listing_id: int):
    """One listing's month: statuses, prices, suggestions; the form changes a range of nights."""
    listing = access_host_listing(request.user, listing_id)
    today_date = listing_today(listing)
    month = _month_param(request.GET.get("month"), today_date)
    # No preset dates: the host picks them in the grid (or types them), whatever month is shown.
    form = RangeActionForm(request.POST or None, today=today_date)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            arguments = form.service_arguments()
            try:
                count = calendar_range_apply(listing=listing, **arguments)
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                label = dict(RangeActionForm.ACTIONS)[arguments["action"]]
                messages.success(
                    request,
                    ngettext("%(action)s: done for %(count)s night.", "%(action)s: done for %(count)s nights.", count)
                    % {"action": label, "count": count},
                )
                month = arguments["start"].replace(day=1)
                return redirect(f"{reverse('hosttools:calendar_listing', args=[listing.pk])}?month={month:%Y-%m}")
        status = 400
    grid = calendar_month(listing=listing, month=month, today=today_date)
    return render(
        request,
        "hosttools/calendar_listing.html",
        {"listing": listing, "grid": grid, "form": form, "tab": "calendar", "today": today_date},
        status=status,
    )


# --- listings, pricing -------------------------------------------------------------------


@login_required
@require_safe
def listings(request):
    return render(
        request, "hosttools/listings.html", {"overview": listings_overview(host=request.user), "tab": "listings"}
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def pricing_settings(request, listing_id: int):
    listing = access_host_listing(request.user, listing_id)
    current = listing_pricing_get(listing=listing)
    form = PricingSettingsForm(request.POST or None, instance=current)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                listing_pricing_update(
                    listing=listing, **{name: form.cleaned_data[name] for name in PricingSettingsForm.Meta.fields}
                )
            except PricingSettingsInvalid as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, gettext("Pricing settings saved."))
                return redirect("hosttools:pricing_settings", listing_id=listing.pk)
        status = 400
    return render(
        request,
        "hosttools/pricing_settings.html",
        {"listing": listing, "form": form, "settings_row": current, "tab": "listings"},
        status=status,
    )


@login_required
@require_POST
def smart_pricing_toggle(request, listing_id: int):
    listing = access_host_listing(request.user, listing_id)
    enabled = request.POST.get("enabled") == "1"
    if enabled and listing.status != ListingStatus.PUBLISHED:
        messages.error(request, gettext("Publish the listing before turning on Smart Pricing."))
    else:
        smart_pricing_set(listing=listing, enabled=enabled)
        messages.success(
            request,
            gettext("Smart Pricing is on: suggested prices are applied within your limits.")
            if enabled
            else gettext("Smart Pricing is off: the prices it set were removed; your own prices stay."),
        )
    return redirect("hosttools:pricing_settings", listing_id=listing.pk)


# --- calendar sync (iCal) ----------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def calendar_sync(request, listing_id: int):
    listing = access_host_listing(request.user, listing_id)
    form = CalendarImportForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                ical_import_add(listing=listing, **form.cleaned_data)
            except ApplicationError as exc:
                form_add_application_error(form, exc)
            else:
                messages.success(request, gettext("Calendar added. It is imported within a few minutes."))
                return redirect("hosttools:calendar_sync", listing_id=listing.pk)
        status = 400
    export = ical_export_get(listing=listing)
    feed_url = request.build_absolute_uri(reverse("hosttools:ical_feed", args=[export.token]))
    return render(
        request,
        "hosttools/calendar_sync.html",
        {
            "listing": listing,
            "form": form,
            "feed_url": feed_url,
            "imports": CalendarImport.objects.filter(listing=listing).order_by("created_at"),
            "tab": "listings",
        },
        status=status,
    )


@login_required
@require_POST
def calendar_export_rotate(request, listing_id: int):
    listing = access_host_listing(request.user, listing_id)
    ical_export_rotate(listing=listing)
    messages.success(request, gettext("New calendar link created. The old link no longer works: update it elsewhere."))
    return redirect("hosttools:calendar_sync", listing_id=listing.pk)


@login_required
@require_POST
def calendar_import_remove(request, listing_id: int, feed_id: int):
    feed = access_calendar_import(request.user, listing_id, feed_id)
    released = ical_import_remove(feed=feed)
    messages.success(
        request,
        ngettext(
            "Calendar removed; %(count)s night it blocked is free.",
            "Calendar removed; %(count)s nights it blocked are free.",
            released,
        )
        % {"count": released},
    )
    return redirect("hosttools:calendar_sync", listing_id=listing_id)


@login_required
@require_POST
def calendar_import_sync(request, listing_id: int, feed_id: int):
    feed = access_calendar_import(request.user, listing_id, feed_id)
    ical_import_sync_task.delay(feed.pk)
    messages.success(
        request,
        gettext("Importing “%(name)s” now. Reload this page in a moment to see the result.") % {"name": feed.name},
    )
    return redirect("hosttools:calendar_sync", listing_id=listing_id)


@never_cache
@require_safe
def ical_feed(request, token: str):
    """The public feed behind a secret token (no login: calendar apps fetch it)."""
    export = access_ical_feed(token)
    document = ical_export_document(export=export, domain=request.get_host().split(":")[0])
    response = HttpResponse(document, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="listing-{export.listing_id}.ics"'
    response["X-Robots-Tag"] = "noindex"
    return response


# --- earnings, analytics -----------------------------------------------------------------


PAYOUTS_PER_PAGE = 20


@login_required
@require_safe
def earnings(request):
    months = earnings_by_month(host=request.user)
    page = Paginator(payout_services.payout_list_for_host(host=request.user), PAYOUTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    for entry in page:
        entry.failure_explanation = payout_services.payout_failure_explanation(entry)
    return render(
        request,
        "hosttools/earnings.html",
        {
            "months": months,
            "totals": earnings_totals(host=request.user),
            "tab": "earnings",
            "payout_account": payout_services.payout_account_get(host=request.user),
            "can_set_up_payouts": payout_services.host_can_receive_payouts(request.user),
            "payouts": page,
        },
    )


def _onboarding_urls(request) -> dict:
    return {
        "refresh_url": request.build_absolute_uri(reverse("hosttools:payouts_refresh")),
        "return_url": request.build_absolute_uri(reverse("hosttools:payouts_return")),
    }


def _payouts_onboard_redirect(request):
    """Send the host to the gateway's onboarding page (a fresh link), or back to earnings with why not."""
    try:
        onboarding = payout_services.payout_account_onboard(host=request.user, **_onboarding_urls(request))
    except payout_services.NotAHost as exc:
        raise PermissionDenied(exc.message) from None
    except (payout_services.PayoutsUnavailable, payout_services.PayoutGatewayError) as exc:
        messages.error(request, exc.message)
        return redirect("hosttools:earnings")
    return redirect(onboarding.url)


@login_required
@require_POST
def payouts_setup(request):
    """The "Set up payouts" button: create the host's payout account if needed and go to the gateway's onboarding."""
    return _payouts_onboard_redirect(request)


@login_required
@require_safe
def payouts_refresh(request):
    """Where the gateway sends a host whose onboarding link expired: a new link, straight away."""
    if payout_services.payout_account_get(host=request.user) is None:
        return redirect("hosttools:earnings")
    return _payouts_onboard_redirect(request)


@login_required
@require_safe
def payouts_return(request):
    """Where the gateway sends the host back: re-read the account and say where it stands."""
    try:
        account = payout_services.payout_account_refresh(host=request.user, retry_failed=True)
    except (payout_services.PayoutsUnavailable, payout_services.PayoutGatewayError) as exc:
        messages.error(request, gettext("We couldn't check your payout account: %(error)s") % {"error": exc.message})
        return redirect("hosttools:earnings")
    if account is None:
        messages.error(request, gettext("You haven't set up payouts yet."))
    elif account.ready:
        messages.success(request, gettext("Payouts are enabled: your earnings will be transferred to this account."))
    else:
        messages.warning(
            request,
            gettext("Your payout account needs more information before we can send money to it: continue the setup."),
        )
    return redirect("hosttools:earnings")


def _period(request) -> tuple[PeriodForm, host_analytics.Report | None]:
    """The period form (defaults: the last twelve months) and its report, or ``None`` when the input is invalid."""
    listings_all = list(host_listings(host=request.user).only("id", "title"))
    initial = PeriodForm.default_initial(host_today(host=request.user))
    data = {"start": initial["start"].isoformat(), "end": initial["end"].isoformat(), "listing": ""}
    data.update({key: request.GET[key] for key in data if key in request.GET})
    form = PeriodForm(data, listings=listings_all)
    if not form.is_valid():
        return form, None
    listing_id = form.cleaned_data["listing"]
    report = host_analytics.analytics_report(
        host=request.user,
        start=form.cleaned_data["start"],
        end=form.cleaned_data["end"] + dt.timedelta(days=1),
        listing_ids=[listing_id] if listing_id else None,
    )
    return form, report


@login_required
@require_safe
def analytics(request):
    form, report = _period(request)
    charts = {}
    if report is not None and report.series:
        currency = report.single_currency
        charts["occupancy"] = bar_chart(
            title=gettext("Occupancy"),
            points=[(p.label, None if p.occupancy is None else p.occupancy * 100) for p in report.series],
            fmt=lambda v: gettext("%(percent)s%%") % {"percent": number_format(v, 0)},
            ceiling=100.0,
        )
        if currency:
            charts["revenue"] = bar_chart(
                title=gettext("Revenue (%(currency)s)") % {"currency": currency},
                points=[(p.label, p.revenue) for p in report.series],
                fmt=lambda v: number_format(v, 0, force_grouping=True),
            )
        charts["nights"] = bar_chart(
            title=gettext("Nights booked"),
            points=[(p.label, p.nights_booked) for p in report.series],
            fmt=lambda v: number_format(v, 0 if v == int(v) else 1),
        )
    return render(
        request,
        "hosttools/analytics.html",
        {"form": form, "report": report, "charts": charts, "tab": "analytics", "query": request.GET.urlencode()},
        status=200 if report is not None else 400,
    )


@login_required
@require_safe
def analytics_csv(request):
    form, report = _period(request)
    if report is None:
        return HttpResponse(
            gettext("Invalid period: %(errors)s")
            % {"errors": "; ".join(str(e) for errors in form.errors.values() for e in errors)},
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    response = HttpResponse(host_analytics.analytics_csv(report), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="analytics-{report.start}-{report.end}.csv"'
    return response
