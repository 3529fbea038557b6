"""Review pages: reviews to write, the review form, responding, reporting, a person's reviews.

Views parse a form, call one service and render or redirect. Bookings are
looked up for their guest or host only, so anyone else gets a 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from airbnb.errors import ApplicationError

from .access import access_stay_to_review
from .errors import ReviewNotAllowed, ReviewNotFound
from .forms import ReportForm, ResponseForm, ReviewForm
from .models import Review
from .selectors import (
    review_public_queryset,
    review_window_last_day,
    review_write_state,
    reviews_awaiting_publication,
    reviews_received,
    reviews_to_write,
    user_rating,
)
from .services import moderation, submission
from .services.submission import RESPONSE_MAX

D = Review.Direction


@login_required
def to_write(request):
    """ "Reviews to write": completed stays still open for the user's review, and reviews awaiting the other side."""
    return render(
        request,
        "reviews/to_write.html",
        {"pending": reviews_to_write(user=request.user), "waiting": reviews_awaiting_publication(user=request.user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def write(request, booking_id: int):
    """The review form for the guest (the stay) or the host (the guest) of a completed booking."""
    booking, direction = access_stay_to_review(request.user, booking_id)
    subject = booking.listing.host if direction == D.GUEST_TO_HOST else booking.guest
    state = review_write_state(booking=booking, direction=direction)
    form = ReviewForm(request.POST or None, direction=direction, subject_name=subject.display_name)
    if request.method == "POST" and state == "open" and form.is_valid():
        try:
            review = submission.review_submit(booking_id=booking.pk, author=request.user, **form.service_arguments())
        except ValidationError as exc:
            form.add_service_errors(exc)
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return redirect("reviews:to_write")
        else:
            if review.published_at:
                messages.success(request, gettext("Thanks! Both reviews are now published."))
            else:
                messages.success(
                    request,
                    gettext(
                        "Thanks! Your review will be published when %(name)s has written theirs, "
                        "or when the review period ends."
                    )
                    % {"name": subject.display_name},
                )
            return redirect("reviews:to_write")
    status = 409 if request.method == "POST" and state != "open" else 200
    return render(
        request,
        "reviews/write.html",
        {
            "booking": booking,
            "listing": booking.listing,
            "subject": subject,
            "as_guest": direction == D.GUEST_TO_HOST,
            "state": state,
            "last_day": review_window_last_day(booking),
            "form": form,
        },
        status=status,
    )


def _back(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return fallback


@login_required
@require_POST
def respond(request, pk: int):
    """The reviewed party's one public response (posted from their profile's reviews)."""
    form = ResponseForm(request.POST)
    fallback = reverse("reviews:profile", kwargs={"pk": request.user.pk})
    if not form.is_valid():
        messages.error(request, form.errors["response"][0])
        return redirect(_back(request, fallback))
    try:
        submission.review_respond(review_id=pk, user=request.user, response=form.cleaned_data["response"])
    except ReviewNotFound:
        raise Http404(gettext("No review here.")) from None
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    except ReviewNotAllowed:
        raise PermissionDenied(gettext("Only the person a review is about can respond to it.")) from None
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, gettext("Your response is published."))
    return redirect(_back(request, fallback))


@login_required
@require_http_methods(["GET", "POST"])
def report(request, pk: int):
    """Report a published review to the moderation team."""
    review = get_object_or_404(review_public_queryset().select_related("author", "subject", "listing"), pk=pk)
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            moderation.review_report(review_id=review.pk, reporter=request.user, **form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return redirect(_back(request, reverse("reviews:profile", kwargs={"pk": review.subject_id})))
        else:
            messages.success(request, gettext("Thanks for telling us. Our team will review it."))
            return redirect(_back(request, reverse("reviews:profile", kwargs={"pk": review.subject_id})))
    return render(request, "reviews/report.html", {"review": review, "form": form, "next": _back(request, "")})


def profile(request, pk: int):
    """A person's reviews: from guests (as a host) or from hosts (as a guest), with their ratings."""
    person = get_object_or_404(get_user_model(), pk=pk, is_active=True)
    about = "guest" if request.GET.get("about") == "guest" else "host"
    direction = D.GUEST_TO_HOST if about == "host" else D.HOST_TO_GUEST
    page, page_range = reviews_received(user_id=person.pk, direction=direction, page=request.GET.get("page"))
    is_self = request.user.is_authenticated and request.user.pk == person.pk
    return render(
        request,
        "reviews/profile.html",
        {
            "person": person,
            "about": about,
            "rating": user_rating(user_id=person.pk),
            "page": page,
            "page_range": page_range,
            "is_self": is_self,
            "response_max": RESPONSE_MAX,
        },
    )
