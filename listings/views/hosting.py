"""The host's pages: "List your place" in steps, photos, review and publish, and "My listings".

Each step is one form posted on its own; a valid step is saved through
``listing_update`` (which re-checks the whole listing) and an invalid one is
shown again with its messages inline, saving nothing. Listings of other hosts
answer 404 on every page and action, so drafts are never revealed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from airbnb.errors import ApplicationError
from bookings.models import BookingStatus
from bookings.selectors import listing_upcoming_bookings

from ..access import access_listing
from ..forms import (
    AmenitiesForm,
    BasicsForm,
    CapacityForm,
    LocationForm,
    PhotoCaptionForm,
    PhotoUploadForm,
    PricingForm,
    UnlistForm,
    form_add_service_errors,
    listing_initial,
    listing_language_default,
)
from ..models import POLICY_TEXT, Listing, ListingPhoto, ListingStatus
from ..selectors import (
    amenity_groups,
    listing_list_for_host,
    listing_public_place,
    listing_readiness,
    listing_status_counts,
)
from ..services import listing as listing_services
from ..services import photos as photo_services
from ..services.photos import MAX_PHOTOS

LISTINGS_PER_PAGE = 20


def _location_fields(cleaned: dict) -> dict:
    data = {k: v for k, v in cleaned.items() if k not in ("latitude", "longitude")}
    data["location"] = Point(float(cleaned["longitude"]), float(cleaned["latitude"]), srid=4326)
    return data


@dataclass(frozen=True)
class Step:
    slug: str
    title: str
    form: type[forms.Form] | None = None
    to_fields: Callable[[dict], dict] = dict
    intro: str = ""


STEPS = (
    Step(
        "basics",
        _("Basics"),
        BasicsForm,
        intro=_("Start with the essentials: what your place is called and what it is."),
    ),
    Step(
        "location",
        _("Location"),
        LocationForm,
        _location_fields,
        intro=_(
            "Guests see the neighbourhood and an area of about 1 km on the map; the exact address only after they book."
        ),
    ),
    Step("capacity", _("Guests and rooms"), CapacityForm, intro=_("How many people your place sleeps comfortably.")),
    Step("amenities", _("Amenities"), AmenitiesForm, intro=_("Tick everything guests can use.")),
    Step("pricing", _("Pricing and rules"), PricingForm, intro=_("What a night costs, and the rules of the house.")),
    Step("photos", _("Photos"), intro=_("Guests look at photos first. Add at least one; the first is the cover.")),
    Step("review", _("Review and publish")),
)
STEP_BY_SLUG = {step.slug: step for step in STEPS}
FORM_STEPS = {step.slug for step in STEPS if step.form is not None}


def _next_step(slug: str) -> Step | None:
    index = [s.slug for s in STEPS].index(slug)
    return STEPS[index + 1] if index + 1 < len(STEPS) else None


def step_url(listing: Listing, slug: str) -> str:
    if slug == "photos":
        return reverse("hosting:photos", args=[listing.pk])
    if slug == "review":
        return reverse("hosting:review", args=[listing.pk])
    return reverse("hosting:edit", args=[listing.pk, slug])


def _steps_nav(listing: Listing | None, current: str) -> list[dict]:
    return [
        {
            "slug": step.slug,
            "title": step.title,
            "number": number,
            "current": step.slug == current,
            "url": step_url(listing, step.slug) if listing is not None else None,
        }
        for number, step in enumerate(STEPS, start=1)
    ]


def _render_step(request, *, listing: Listing | None, step: Step, form: forms.Form, status: int = 200):
    context = {
        "listing": listing,
        "step": step,
        "steps": _steps_nav(listing, step.slug),
        "form": form,
        "next_step": _next_step(step.slug),
    }
    if step.slug == "amenities":
        checked = set(form["amenities"].value() or [])
        context["amenity_groups"] = [
            (category, [(amenity, amenity.code in checked) for amenity in amenities])
            for category, amenities in amenity_groups().items()
        ]
    if step.slug == "pricing":
        context["policy_text"] = POLICY_TEXT
    return render(request, "listings/hosting/step.html", context, status=status)


def _after_save(request, listing: Listing, step: Step):
    if request.POST.get("then") == "exit":
        messages.success(request, gettext("Saved “%(title)s”.") % {"title": listing.title})
        return redirect("hosting:listings")
    following = _next_step(step.slug)
    return redirect(step_url(listing, following.slug) if following else reverse("hosting:listings"))


def _status_counts(counts: dict[str, int]) -> list[tuple[str, int]]:
    """(status label in the reader's language, count), in the statuses' order: "Published: 6 · Draft: 1"."""
    return [(str(status.label), counts[status.value]) for status in ListingStatus if counts.get(status.value)]


@login_required
def my_listings(request):
    """The host's listings with their status, what they still need, and actions."""
    page = Paginator(listing_list_for_host(host=request.user), LISTINGS_PER_PAGE).get_page(request.GET.get("page"))
    for listing in page.object_list:
        listing.missing = listing_readiness(listing, photo_count=len(listing.photos.all()))
    return render(
        request,
        "listings/hosting/my_listings.html",
        {"page": page, "counts": _status_counts(listing_status_counts(host=request.user))},
    )


@login_required
@require_http_methods(["GET", "POST"])
def listing_new(request):
    """Step 1 for a new place: a valid form creates the draft, the next steps edit it."""
    step = STEP_BY_SLUG["basics"]
    form = BasicsForm(request.POST or None, initial={"room_type": "entire", "language": listing_language_default()})
    if request.method == "POST" and form.is_valid():
        try:
            listing = listing_services.listing_create(host=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            messages.success(request, gettext("Your draft is saved. Next: where is it?"))
            return _after_save(request, listing, step)
    return _render_step(request, listing=None, step=step, form=form, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def listing_edit(request, pk: int, step: str):
    """One form step (basics, location, capacity, amenities, pricing) of an existing listing."""
    listing = access_listing(request.user, pk, for_edit=True, hide=True)
    if step not in FORM_STEPS:
        raise Http404(gettext("No such step."))
    current = STEP_BY_SLUG[step]
    form = current.form(request.POST or None, initial=listing_initial(listing))
    if request.method == "POST" and form.is_valid():
        try:
            listing = listing_services.listing_update(
                listing=listing, actor=request.user, **current.to_fields(form.cleaned_data)
            )
        except ValidationError as exc:
            form_add_service_errors(form, exc, aliases={"location": "latitude"})
        else:
            return _after_save(request, listing, current)
    return _render_step(request, listing=listing, step=current, form=form, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def listing_photos(request, pk: int):
    """Upload (several at once), caption, reorder, choose the cover, delete."""
    listing = access_listing(request.user, pk, for_edit=True, hide=True)
    form = PhotoUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            added = photo_services.photo_add(listing=listing, actor=request.user, files=form.cleaned_data["photos"])
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            messages.success(
                request,
                ngettext("Added %(count)s photo.", "Added %(count)s photos.", len(added)) % {"count": len(added)},
            )
            return redirect("hosting:photos", pk=listing.pk)
    photos = list(ListingPhoto.objects.filter(listing=listing).order_by("position", "pk"))
    for number, photo in enumerate(photos, start=1):
        photo.alt = (
            gettext("Photo %(number)s: %(caption)s") % {"number": number, "caption": photo.caption}
            if photo.caption
            else gettext("Photo %(number)s (no caption yet)") % {"number": number}
        )
    return render(
        request,
        "listings/hosting/photos.html",
        {
            "listing": listing,
            "step": STEP_BY_SLUG["photos"],
            "steps": _steps_nav(listing, "photos"),
            "next_step": STEP_BY_SLUG["review"],
            "form": form,
            "photos": [
                (photo, PhotoCaptionForm(initial={"caption": photo.caption}, prefix=f"p{photo.pk}")) for photo in photos
            ],  # fmt: skip
            "max_photos": MAX_PHOTOS,
        },
        status=400 if form.errors else 200,
    )


PHOTO_ACTIONS = ("caption", "cover", "up", "down", "delete")


@login_required
@require_POST
def photo_action(request, pk: int, photo_id: int, action: str):
    """One change to one photo from the photos page, then back to it."""
    listing = access_listing(request.user, pk, for_edit=True, hide=True)
    if action not in PHOTO_ACTIONS:
        raise Http404(gettext("No such action."))
    photo = get_object_or_404(ListingPhoto, pk=photo_id, listing=listing)
    photo.listing = listing
    anchor = f"#photo-{photo.pk}"
    try:
        if action == "caption":
            form = PhotoCaptionForm(request.POST, prefix=f"p{photo.pk}")
            if not form.is_valid():
                messages.error(request, gettext("Captions can be at most 200 characters."))
                return redirect(reverse("hosting:photos", args=[listing.pk]) + anchor)
            photo_services.photo_caption(photo=photo, actor=request.user, caption=form.cleaned_data["caption"])
            messages.success(request, gettext("Caption saved."))
        elif action == "cover":
            photo_services.photo_set_cover(photo=photo, actor=request.user)
            messages.success(request, gettext("Cover photo changed."))
        elif action in ("up", "down"):
            photo_services.photo_move(photo=photo, actor=request.user, offset=-1 if action == "up" else 1)
        else:
            photo_services.photo_delete(photo=photo, actor=request.user)
            messages.success(request, gettext("Photo deleted."))
            anchor = ""
    except (ValidationError, ApplicationError) as exc:
        messages.error(request, _message(exc))
    return redirect(reverse("hosting:photos", args=[listing.pk]) + anchor)


def _message(exc: Exception) -> str:
    if isinstance(exc, ApplicationError):
        return exc.message
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc)


@login_required
def listing_review(request, pk: int):
    """Everything at a glance, what is still missing (with links to the steps) and the publish button."""
    listing = access_listing(request.user, pk, for_edit=True, hide=True)
    photos = list(listing.photos.all())
    return render(
        request,
        "listings/hosting/review.html",
        {
            "listing": listing,
            "step": STEP_BY_SLUG["review"],
            "steps": _steps_nav(listing, "review"),
            "photos": photos,
            "missing": [
                {"item": item, "url": step_url(listing, item.step)}
                for item in listing_readiness(listing, photo_count=len(photos))
            ],
            "amenity_groups": amenity_groups(listing.amenities),
            "place": listing_public_place(listing),
            "policy_text": POLICY_TEXT.get(listing.cancellation_policy, ""),
            "unlist_form": UnlistForm(),
        },
    )


def _back(request, default: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


@login_required
@require_POST
def listing_publish(request, pk: int):
    listing = access_listing(request.user, pk, for_edit=True, hide=True)
    was = listing.status
    try:
        listing_services.listing_publish(listing=listing, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, _message(exc))
        return redirect(_back(request, reverse("hosting:review", args=[listing.pk])))
    if was == ListingStatus.UNLISTED:
        text = gettext("“%(title)s” is live again. Guests can find and book it now.")
    else:
        text = gettext("“%(title)s” is published. Guests can find and book it now.")
    messages.success(request, text % {"title": listing.title})
    return redirect(_back(request, reverse("hosting:listings")))


@login_required
@require_POST
def listing_unlist(request, pk: int):
    listing = access_listing(request.user, pk, for_edit=True, hide=True)
    form = UnlistForm(request.POST)
    cancel = form.is_valid() and form.cleaned_data["cancel_upcoming"]
    try:
        listing_services.listing_unlist(listing=listing, actor=request.user, cancel_upcoming=cancel)
    except ApplicationError as exc:
        messages.error(request, _message(exc))
    else:
        messages.success(
            request,
            gettext(
                "“%(title)s” is unlisted: it no longer appears in search and can't be booked. "
                "Existing reservations stay booked."
            )
            % {"title": listing.title},
        )
    return redirect(_back(request, reverse("hosting:listings")))


@login_required
@require_http_methods(["GET", "POST"])
def listing_delete(request, pk: int):
    """GET asks for confirmation (naming upcoming stays that prevent it); POST deletes."""
    listing = access_listing(request.user, pk, for_edit=True, hide=True)
    if request.method == "POST":
        try:
            listing_services.listing_delete(listing=listing, actor=request.user)
        except ApplicationError as exc:
            messages.error(request, _message(exc))
            return redirect("hosting:delete", pk=listing.pk)
        messages.success(request, gettext("“%(title)s” was deleted.") % {"title": listing.title})
        return redirect("hosting:listings")
    upcoming = listing_upcoming_bookings(listing_id=listing.pk, statuses=(BookingStatus.CONFIRMED,))
    return render(request, "listings/hosting/delete.html", {"listing": listing, "upcoming": upcoming})
