"""Booking pages: checkout, the guest's trips and the host's reservations.

Views parse a form, call one service and render or redirect. Who may see a
booking is decided here by querying only the user's own bookings, so a stranger
gets the same 404 as for a booking that does not exist.
"""

from __future__ import annotations

import time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from airbnb.errors import ApplicationError, CommonErrorCode
from airbnb.form_errors import application_error_from_body
from airbnb.idempotency import IdempotencyInProgress, IdempotencyKeyReused, idempotent
from airbnb.pages import paged_sections
from listings.access import access_public_listing
from listings.errors import ListingErrorCode
from listings.localtime import listing_today, local_today_sql
from listings.models import POLICY_TEXT, Listing, ListingPhoto
from listings.selectors import listing_public_place
from payments.errors import DeclineCode, PaymentErrorCode

from .access import access_booking
from .errors import BookingErrorCode
from .forms import TEST_CARDS, CheckoutForm, ReasonForm, StayForm, local_gateway_in_use
from .models import Booking, BookingStatus
from .quotes import booking_box, breakdown_lines
from .selectors import booking_list_for_guest, booking_list_for_host
from .services.booking import (
    booking_accept,
    booking_attempt_settle,
    booking_cancel_by_guest,
    booking_cancel_by_host,
    booking_cancellation_preview,
    booking_create,
    booking_decline,
)

S = BookingStatus
WEB_SCOPE = "booking_create_web"
# How long a double submission waits for the first one to finish before giving up.
IN_PROGRESS_WAIT_SECONDS = 8.0

CANCELLED_STATUSES = (S.CANCELLED_BY_GUEST, S.CANCELLED_BY_HOST, S.DECLINED, S.EXPIRED, S.PAYMENT_FAILED)
ADDRESS_VISIBLE_STATUSES = (S.CONFIRMED, S.COMPLETED)

# Failures after which the form keeps its key (the attempt is not over), and what the page says.
KEEP_KEY = {
    PaymentErrorCode.PAYMENTS_UNAVAILABLE: "payments_unavailable",
    CommonErrorCode.IDEMPOTENCY_IN_PROGRESS: "in_progress",
}
DATES_TAKEN = (BookingErrorCode.DATES_UNAVAILABLE, BookingErrorCode.HOLD_EXPIRED)

MESSAGES = {
    "card_declined": _("Your card was declined. Your dates are still free — try another card."),
    "insufficient_funds": _(
        "Your card was declined for insufficient funds. Your dates are still free — try another card."
    ),
    "payments_unavailable": _("We couldn't reach the payment service. Nothing was charged; please try again."),
    "in_progress": _("We're still processing this booking. Check your trips in a minute before trying again."),
    "form_expired": _("This form had expired. Check the details and submit it again."),
}


def _money(amount, currency: str) -> str:
    return render_to_string("_money.html", {"amount": amount, "currency": currency}).strip()


def _with_photos(qs: QuerySet[Booking]) -> QuerySet[Booking]:
    return qs.prefetch_related(
        Prefetch("listing__photos", queryset=ListingPhoto.objects.order_by("position", "id")),
    )


# --- checkout -----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def checkout(request, pk: int):
    """Confirm and pay: the quoted stay, the policy, a message and a card.

    GET takes the stay from the query string; POST books it through the form's
    per-attempt idempotency key, so a double submission books once.
    """
    listing = access_public_listing(pk)
    data = request.POST if request.method == "POST" else (request.GET or None)
    stay = StayForm(data, listing=listing, auto_id="stay_%s")
    stay_valid = stay.is_valid()
    # Kept aside: errors added to the form later drop fields from its cleaned_data.
    wanted = dict(stay.cleaned_data) if stay_valid else {}
    form, failure = None, None
    if request.method == "POST":
        form = CheckoutForm(request.POST, listing=listing, auto_id="pay_%s")
        if stay_valid and form.is_valid():
            try:
                booking = _book_once(user=request.user, listing=listing, cleaned=form.cleaned_data)
            except ApplicationError as exc:
                failure = exc
                form = _checkout_failed(request, listing, stay, exc)
            else:
                _flash_booked(request, booking)
                return redirect("bookings:trip_detail", pk=booking.pk)
        elif "idempotency_key" in form.errors:
            form = _rebound(request, listing, new_key=True)
            form.add_error(None, MESSAGES["form_expired"])
    elif stay_valid:
        form = CheckoutForm(
            initial={**wanted, "idempotency_key": CheckoutForm.new_key()}, listing=listing, auto_id="pay_%s"
        )

    box, reason_inline = None, False
    if stay_valid:
        box = booking_box(listing=listing, user=request.user, **wanted)
        reason_inline = stay.add_reason(box.reason)
        if form is not None and not form.is_bound:
            form.initial["expected_total"] = box.quote.total
        if failure is not None and failure.code in DATES_TAKEN and box.available:
            # Taken when we tried, free now (e.g. our hold timed out): say what happened.
            form.add_error(None, failure.message)
    return render(
        request,
        "bookings/checkout.html",
        {
            "listing": listing,
            "place": listing_public_place(listing),
            "stay": stay,
            "form": form,
            "show_payment": form is not None and box is not None and box.available,
            "box": box,
            "reason_inline": reason_inline,
            "breakdown": breakdown_lines(box.quote.as_dict()) if box else [],
            "policy_text": POLICY_TEXT[listing.cancellation_policy],
            "test_cards": TEST_CARDS if local_gateway_in_use() else [],
        },
    )


def _book_once(*, user, listing: Listing, cleaned: dict) -> Booking:
    """``booking_create`` at most once per form key; a replayed failure raises again.

    A key already used with other details (a page submitted before, then changed)
    is a new attempt and gets a new key. A double submission still running waits
    for the first one's outcome.
    """
    key = str(cleaned["idempotency_key"])
    args = {
        "listing_id": listing.pk,
        "check_in": cleaned["check_in"],
        "check_out": cleaned["check_out"],
        "guests": cleaned["guests"],
        "payment_method": cleaned["card_number"],
        "message": cleaned["message"],
        "expected_total": cleaned.get("expected_total"),
    }

    def work(record_id: int):
        booking = booking_create(guest=user, idempotency_record_id=record_id, **args)
        return {"booking_id": booking.pk}, booking.pk

    deadline = time.monotonic() + IN_PROGRESS_WAIT_SECONDS
    while True:
        try:
            error_code, body, *_ = idempotent(
                user=user,
                scope=WEB_SCOPE,
                key=key,
                payload=args,
                work=work,
                retryable=lambda exc: exc.code == PaymentErrorCode.PAYMENTS_UNAVAILABLE,
                settle=lambda booking_id: booking_attempt_settle(
                    booking_id=booking_id, render=lambda booking: {"booking_id": booking.pk}
                ),
            )
            break
        except IdempotencyKeyReused:
            key = CheckoutForm.new_key()
        except IdempotencyInProgress:
            if time.monotonic() >= deadline:
                raise
            time.sleep(0.25)
    if not error_code:
        return Booking.objects.get(pk=body["booking_id"])
    # A failure stored under this key: the same error again, rebuilt from its code.
    raise application_error_from_body(error_code, body)


def _rebound(request, listing: Listing, *, new_key: bool) -> CheckoutForm:
    data = request.POST.copy()
    if new_key:
        data["idempotency_key"] = CheckoutForm.new_key()
    form = CheckoutForm(data, listing=listing, auto_id="pay_%s")
    form.is_valid()
    return form


def _checkout_failed(request, listing: Listing, stay: StayForm, exc: ApplicationError) -> CheckoutForm:
    """The checkout form again, with the error where it belongs (decided by its code).

    Outcomes stored under the key (declined, dates taken, invalid) get a new key:
    the next submission is a new attempt. A payment service outage deleted the
    key's record, and one still in progress must keep it, so those keep the key.
    """
    code = exc.code
    if code == ListingErrorCode.LISTING_NOT_FOUND:
        raise Http404(gettext("No such listing."))
    form = _rebound(request, listing, new_key=code not in KEEP_KEY)
    if isinstance(code, DeclineCode):
        form.add_error(
            "card_number",
            MESSAGES.get(code)
            or gettext("%(reason)s Your dates are still free — try another card.") % {"reason": exc.message},
        )
    elif code in KEEP_KEY:
        form.add_error(None, MESSAGES[KEEP_KEY[code]])
    elif code in DATES_TAKEN:
        pass  # the page shows the calendar's answer now, with alternatives (see checkout)
    elif code == BookingErrorCode.PRICE_CHANGED:
        # Show the new total (the page's breakdown is recomputed) and accept it on the next submit.
        form.data = form.data.copy()
        form.data["expected_total"] = exc.extra.get("total", "")
        form.add_error(None, exc.message)
    elif not stay.add_reason({"code": code, "message": exc.message}):
        form.add_error(None, exc.message)
    return form


def _day(date) -> str:
    """A weekday, day and month in the active language ("Saturday 14 June", "sábado 14 de junio")."""
    # Translators: a Django date format for a weekday, day and month; "l j F" gives "Saturday 14 June".
    return date_format(date, pgettext("date format", "l j F"))


def _flash_booked(request, booking: Booking) -> None:
    where = booking.listing.city or booking.listing.title
    if booking.status == S.CONFIRMED:
        messages.success(
            request,
            gettext("Booking confirmed! You're going to %(place)s on %(day)s.")
            % {"place": where, "day": _day(booking.check_in)},
        )
    elif booking.status == S.AWAITING_HOST:
        deadline = date_format(timezone.localtime(booking.expires_at), "D j M, H:i T") if booking.expires_at else ""
        messages.success(
            request,
            gettext(
                "Request sent. %(host)s has until %(deadline)s to answer. You won't be charged until the host accepts."
            )
            % {"host": booking.listing.host.display_name, "deadline": deadline},
        )


# --- trips (guest) --------------------------------------------------------------------


def _trip_for(user, pk: int) -> Booking:
    """The guest's trip (staff: any), loaded for the trip page; 404 for anyone else (``access_booking``)."""
    loaded = _with_photos(Booking.objects.select_related("listing", "listing__host", "payment"))
    return access_booking(user, pk, as_role="guest", queryset=loaded)


def _can_guest_cancel(booking: Booking, today) -> bool:
    if booking.status == S.AWAITING_HOST:
        return True
    return booking.status == S.CONFIRMED and booking.check_out > today


@login_required
def trips(request):
    """The guest's trips: upcoming (soonest first), past and cancelled (latest first).

    A stay is past once its check-out day has come where the listing is.
    """
    today = local_today_sql("listing__time_zone")
    mine = _with_photos(booking_list_for_guest(guest=request.user))
    cancelled = Q(status__in=CANCELLED_STATUSES)
    sections = [
        (
            "upcoming",
            "Upcoming",
            mine.filter(~cancelled, ~Q(status=S.COMPLETED), check_out__gt=today).order_by("check_in", "pk"),
        ),
        ("past", "Past", mine.filter(~cancelled).filter(Q(status=S.COMPLETED) | Q(check_out__lte=today))),
        ("cancelled", "Cancelled", mine.filter(cancelled)),
    ]
    return render(request, "bookings/trips.html", {"sections": paged_sections(request, sections, prefix="trips")})


@login_required
def trip_detail(request, pk: int):
    booking = _trip_for(request.user, pk)
    today = listing_today(booking.listing)
    return render(
        request,
        "bookings/trip_detail.html",
        {
            "booking": booking,
            "listing": booking.listing,
            "place": listing_public_place(booking.listing),
            "breakdown": breakdown_lines(booking.price_breakdown),
            "show_address": booking.status in ADDRESS_VISIBLE_STATUSES,
            "can_cancel": _can_guest_cancel(booking, today),
            "policy_text": POLICY_TEXT[booking.listing.cancellation_policy],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def trip_cancel(request, pk: int):
    """What cancelling refunds, then a POST to cancel."""
    booking = _trip_for(request.user, pk)
    form = ReasonForm(request.POST or None, auto_id="cancel_%s")
    if request.method == "POST" and form.is_valid():
        try:
            booking = booking_cancel_by_guest(booking_id=booking.pk, guest=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            refund = _money(booking.refund_amount or 0, booking.currency)
            messages.success(request, gettext("Your booking was cancelled. Refund: %(amount)s.") % {"amount": refund})
        return redirect("bookings:trip_detail", pk=booking.pk)
    can_cancel = _can_guest_cancel(booking, listing_today(booking.listing))
    preview = booking_cancellation_preview(booking=booking, user=request.user) if can_cancel else None
    return render(
        request,
        "bookings/trip_cancel.html",
        {
            "booking": booking,
            "listing": booking.listing,
            "can_cancel": can_cancel,
            "preview": preview,
            "form": form,
            "policy_text": POLICY_TEXT[booking.listing.cancellation_policy],
        },
    )


# --- reservations (host) ----------------------------------------------------------------


def _reservation_for(user, pk: int) -> Booking:
    """The host's reservation (staff: any), loaded for its page; 404 for anyone else (``access_booking``)."""
    loaded = _with_photos(Booking.objects.select_related("listing", "guest", "payment", "payout"))
    return access_booking(user, pk, as_role="host", queryset=loaded)


def _request_open(booking: Booking, now) -> bool:
    return booking.status == S.AWAITING_HOST and (booking.expires_at is None or booking.expires_at > now)


@login_required
def host_reservations(request):
    """Requests to answer, then upcoming, past and cancelled reservations on the host's listings.

    Unpaid holds and failed payments were never reservations, so they are not listed.
    """
    today, now = local_today_sql("listing__time_zone"), timezone.now()
    mine = _with_photos(booking_list_for_host(host=request.user))
    pending = list(mine.filter(status=S.AWAITING_HOST).order_by("expires_at", "pk"))
    for booking in pending:
        booking.request_open = _request_open(booking, now)
    sections = [
        ("upcoming", "Upcoming", mine.filter(status=S.CONFIRMED, check_out__gt=today)),
        (
            "past",
            "Past",
            mine.filter(Q(status=S.COMPLETED) | Q(status=S.CONFIRMED, check_out__lte=today)).order_by(
                "-check_in", "-pk"
            ),
        ),
        (
            "cancelled",
            "Cancelled",
            mine.filter(status__in=(S.CANCELLED_BY_GUEST, S.CANCELLED_BY_HOST, S.DECLINED, S.EXPIRED)).order_by(
                "-check_in", "-pk"
            ),
        ),
    ]
    return render(
        request,
        "bookings/host_reservations.html",
        {"pending": pending, "sections": paged_sections(request, sections, prefix="reservations")},
    )


@login_required
def host_reservation_detail(request, pk: int):
    booking = _reservation_for(request.user, pk)
    booking.request_open = _request_open(booking, timezone.now())
    payout = getattr(booking, "payout", None)
    return render(
        request,
        "bookings/host_reservation_detail.html",
        {
            "booking": booking,
            "listing": booking.listing,
            "breakdown": breakdown_lines(booking.price_breakdown),
            "host_payout": booking.price_breakdown.get("host_payout"),
            "host_fee": booking.price_breakdown.get("host_fee"),
            "payout": payout,
            "can_cancel": booking.status == S.CONFIRMED and booking.check_out > listing_today(booking.listing),
        },
    )


def _back(request, booking: Booking):
    """Where a host action returns: the page it came from (if ours) or the reservation."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(target)
    return redirect("bookings:host_reservation_detail", pk=booking.pk)


@login_required
@require_POST
def host_accept(request, pk: int):
    booking = _reservation_for(request.user, pk)
    try:
        booking_accept(booking_id=booking.pk, host=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            gettext("Reservation confirmed: %(guest)s arrives on %(day)s.")
            % {"guest": booking.guest.display_name, "day": _day(booking.check_in)},
        )
    return _back(request, booking)


@login_required
@require_POST
def host_decline(request, pk: int):
    booking = _reservation_for(request.user, pk)
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        booking_decline(booking_id=booking.pk, host=request.user, reason=reason)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            gettext("Request declined. %(guest)s won't be charged and your nights are free again.")
            % {"guest": booking.guest.display_name},
        )
    return _back(request, booking)


@login_required
@require_http_methods(["GET", "POST"])
def host_cancel(request, pk: int):
    """The consequences of cancelling a confirmed reservation, then a POST to cancel."""
    booking = _reservation_for(request.user, pk)
    form = ReasonForm(request.POST or None, auto_id="cancel_%s")
    if request.method == "POST" and form.is_valid():
        try:
            booking = booking_cancel_by_host(booking_id=booking.pk, host=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                gettext("Reservation cancelled. %(guest)s gets a full refund of %(amount)s.")
                % {"guest": booking.guest.display_name, "amount": _money(booking.refund_amount or 0, booking.currency)},
            )
        return redirect("bookings:host_reservation_detail", pk=booking.pk)
    can_cancel = booking.status == S.CONFIRMED and booking.check_out > listing_today(booking.listing)
    return render(
        request,
        "bookings/host_cancel.html",
        {"booking": booking, "listing": booking.listing, "form": form, "can_cancel": can_cancel},
    )
