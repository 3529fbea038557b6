"""Messaging pages: the inbox, a conversation (with polling), contacting a host, notifications.

Threads are looked up among the user's own (staff: any, read-only), so anyone
else gets the same 404 as for a thread that does not exist.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from airbnb.errors import ApplicationError
from airbnb.form_errors import page_status
from listings.access import access_public_listing

from .access import access_thread
from .forms import MessageForm, NotificationSettingsForm
from .models import Notification, Thread
from .selectors import (
    THREAD_MESSAGES_PAGE,
    booking_of_participant,
    message_body_for,
    notification_preferences_for,
    notifications_for,
    thread_list_for,
    thread_messages_for,
)
from .services import notifications as notification_services
from .services import threads as thread_services

INBOX_PAGE_SIZE = 20
POLL_SECONDS = 8


def _int_param(request, name: str) -> int | None:
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() else None


def _inbox_rows(request, threads) -> tuple:
    """One page of ``threads`` and a row per thread: the other person, the side the user is on, a preview."""
    page = Paginator(threads, INBOX_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = []
    for thread in page.object_list:
        preview = ""
        if thread.last_message is not None:
            preview, _ = message_body_for(message=thread.last_message, viewer=request.user, revealed=thread.revealed)
        rows.append(
            {
                "thread": thread,
                "other": thread.other_party(request.user),
                "as_host": thread.host_id == request.user.pk,
                "preview": preview,
                "preview_mine": thread.last_message is not None and thread.last_message.sender_id == request.user.pk,
            }
        )
    return page, rows


@login_required
def inbox(request):
    """The user's conversations, latest first, with unread counts and a preview of the last message."""
    page, rows = _inbox_rows(request, thread_list_for(user=request.user))
    return render(request, "messaging/inbox.html", {"page": page, "rows": rows})


@login_required
@require_GET
def host_inbox(request):
    """Hosting mode's inbox (/hosting/inbox/): only the conversations with guests about the user's listings.

    The user's own threads, narrowed to those where they are the host, so another
    user's conversations can never appear; each opens the ordinary conversation page.
    """
    page, rows = _inbox_rows(request, thread_list_for(user=request.user).filter(host=request.user))
    return render(request, "messaging/host_inbox.html", {"page": page, "rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def thread_detail(request, pk: int):
    """One conversation: its messages (masked as needed), the send form, and polling for new ones."""
    thread = access_thread(request.user, pk)
    role = thread.role_of(request.user)
    form = MessageForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if role is None:
            raise PermissionDenied(gettext("Staff can read this conversation but not write in it."))
        if form.is_valid():
            try:
                thread_services.message_send(thread_id=thread.pk, sender=request.user, body=form.cleaned_data["body"])
            except ValidationError as exc:
                form.add_error("body", exc.message_dict.get("body", exc.messages))
            except thread_services.RateLimited as exc:
                form.add_error(None, exc.message)
                status = 429
            else:
                return redirect(reverse("messaging:thread", kwargs={"pk": thread.pk}) + "#latest")
        if status == 200:
            status = 400
    before = _int_param(request, "before")
    views = thread_messages_for(thread=thread, viewer=request.user, before=before)
    if role is not None and before is None:
        thread_services.thread_mark_read(thread_id=thread.pk, user=request.user)
    other = thread.other_party(request.user) if role else None
    return render(
        request,
        # The host reads it in hosting mode (the host layout), the guest and staff in the ordinary page.
        "messaging/host_thread.html" if role == "host" else "messaging/thread.html",
        {
            "thread": thread,
            "role": role,
            "other": other,
            "message_views": views,
            "form": form,
            "earlier": views[0].id if len(views) >= THREAD_MESSAGES_PAGE else None,
            "last_id": views[-1].id if views else 0,
            "poll_seconds": POLL_SECONDS,
        },
        status=status,
    )


@login_required
@require_GET
def thread_poll(request, pk: int):
    """New messages after ``?after=<id>`` as rendered HTML, for static/js/messaging.js; marks them read."""
    thread = access_thread(request.user, pk)
    after = _int_param(request, "after")
    if after is None:
        return JsonResponse(
            {"error": {"code": "validation_error", "message": gettext("Give after=<message id>.")}}, status=400
        )
    views = thread_messages_for(thread=thread, viewer=request.user, after=after, limit=100)
    if views and thread.role_of(request.user) is not None:
        thread_services.thread_mark_read(thread_id=thread.pk, user=request.user, upto=views[-1].id)
    return JsonResponse(
        {
            "messages": [
                {"id": view.id, "html": render_to_string("messaging/_message.html", {"message": view})}
                for view in views
            ],
            "last_id": views[-1].id if views else after,
        }
    )


@login_required
@require_GET
def booking_thread(request, booking_id: int):
    """A booking's conversation, for its guest or its host ("Message the guest" on a reservation).

    The thread exists once the booking's first event is published; a click before
    that (the outbox runs every few seconds) opens it empty rather than failing.
    Anyone else gets 404, the same as for a booking that does not exist.
    """
    booking = booking_of_participant(user=request.user, booking_id=booking_id)
    if booking is None:
        raise Http404(gettext("No such booking."))
    thread = Thread.objects.filter(guest_id=booking.guest_id, listing_id=booking.listing_id).first()
    if thread is None:
        thread = thread_services.thread_for_booking(booking=booking)
    return redirect("messaging:thread", pk=thread.pk)


@login_required
@require_http_methods(["GET", "POST"])
def contact_host(request, listing_id: int):
    """ "Contact host" from a listing page: write to the host (reuses the conversation if there is one)."""
    listing = access_public_listing(listing_id)
    if listing.host_id == request.user.pk:
        messages.info(request, gettext("This is your own listing."))
        return redirect(listing.get_absolute_url())
    existing = Thread.objects.filter(guest=request.user, listing=listing).first()
    form = MessageForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                thread = thread_services.thread_start_inquiry(
                    guest=request.user, listing_id=listing.pk, body=form.cleaned_data["body"]
                )
            except ValidationError as exc:
                form.add_error("body", exc.message_dict.get("body", exc.messages))
            except ApplicationError as exc:
                form.add_error(None, exc.message)
                status = page_status(exc)
            else:
                messages.success(request, gettext("Message sent to %(name)s.") % {"name": listing.host.display_name})
                return redirect(reverse("messaging:thread", kwargs={"pk": thread.pk}) + "#latest")
    return render(
        request,
        "messaging/contact.html",
        {"listing": listing, "host": listing.host, "form": form, "existing": existing},
        status=status,
    )


@login_required
def notifications(request):
    page = Paginator(notifications_for(user=request.user), 30).get_page(request.GET.get("page"))
    return render(request, "messaging/notifications.html", {"page": page})


@login_required
@require_POST
def notifications_read_all(request):
    notification_services.notifications_mark_read(user=request.user)
    messages.success(request, gettext("All notifications marked as read."))
    return redirect("messaging:notifications")


@login_required
@require_GET
def notification_open(request, pk: int):
    """Follow a notification: marks it read and goes where it points (same-site links only)."""
    notification = get_object_or_404(Notification, pk=pk, user=request.user)
    notification_services.notifications_mark_read(user=request.user, ids=[notification.pk])
    target = notification.url
    if not target or not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("messaging:notifications")
    return redirect(target)


@login_required
@require_http_methods(["GET", "POST"])
def notification_settings(request):
    """Email on/off per category."""
    form = NotificationSettingsForm(request.POST or None, initial=notification_preferences_for(user=request.user))
    if request.method == "POST" and form.is_valid():
        notification_services.notification_preferences_set(user=request.user, email_by_category=form.cleaned_data)
        messages.success(request, gettext("Your notification settings are saved."))
        return redirect("messaging:notification_settings")
    return render(request, "messaging/notification_settings.html", {"form": form})
