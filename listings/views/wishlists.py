"""Wishlist pages: the heart, the lists, one list with prices for its dates, and the shared link.

Lists are private: another user's list is a 404, and only its owner can change
it. A shared list is read-only at its token URL, which is not indexed.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from airbnb.errors import ApplicationError
from pricing.wishlists import wishlist_entries

from ..access import access_wishlist
from ..forms import WishlistChooseForm, WishlistForm, form_add_service_errors
from ..models import Listing, ListingStatus, Wishlist
from ..selectors import (
    wishlist_get_shared,
    wishlist_list_for_user,
    wishlist_saved_listing_ids,
)
from ..services import wishlists as wishlist_services


def _safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@login_required
@require_http_methods(["GET", "POST"])
def wishlist_index(request):
    """The user's lists, and a form to start a new one."""
    form = WishlistForm(request.POST or None, prefix_ids="new")
    if request.method == "POST" and form.is_valid():
        try:
            wishlist = wishlist_services.wishlist_create(owner=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            messages.success(request, gettext("Created “%(name)s”.") % {"name": wishlist.name})
            return redirect(wishlist)
    return render(
        request,
        "wishlists/index.html",
        {"wishlists": wishlist_list_for_user(user=request.user), "form": form},
        status=400 if form.errors else 200,
    )


def _render_detail(request, wishlist: Wishlist, form: WishlistForm, *, status: int = 200):
    return render(
        request,
        "wishlists/detail.html",
        {
            "wishlist": wishlist,
            "entries": wishlist_entries(wishlist=wishlist),
            "form": form,
            "share_url": request.build_absolute_uri(wishlist.get_share_url()) if wishlist.share_token else "",
        },
        status=status,
    )


@login_required
@require_safe
def wishlist_detail(request, pk: int):
    wishlist = access_wishlist(request.user, pk)
    return _render_detail(request, wishlist, WishlistForm.for_wishlist(wishlist, prefix_ids="edit"))


@login_required
@require_POST
def wishlist_edit(request, pk: int):
    """Rename, or set / clear the dates and guests; errors are shown inline on the list's page."""
    wishlist = access_wishlist(request.user, pk)
    form = WishlistForm(request.POST, prefix_ids="edit")
    if form.is_valid():
        try:
            wishlist_services.wishlist_update(wishlist=wishlist, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            messages.success(request, gettext("List updated."))
            return redirect(wishlist)
    wishlist.refresh_from_db()
    return _render_detail(request, wishlist, form, status=400)


@login_required
@require_POST
def wishlist_delete(request, pk: int):
    wishlist = access_wishlist(request.user, pk)
    wishlist_services.wishlist_delete(wishlist=wishlist, actor=request.user)
    messages.success(request, gettext("Deleted “%(name)s”.") % {"name": wishlist.name})
    return redirect("wishlists:index")


@login_required
@require_POST
def wishlist_share(request, pk: int):
    """``action=on`` turns on the private link, ``action=off`` revokes it."""
    wishlist = access_wishlist(request.user, pk)
    if request.POST.get("action") == "off":
        wishlist_services.wishlist_unshare(wishlist=wishlist, actor=request.user)
        messages.success(request, gettext("Sharing is off: the old link no longer works."))
    else:
        wishlist_services.wishlist_share(wishlist=wishlist, actor=request.user)
        messages.success(request, gettext("Anyone with the link can now view this list (but not change it)."))
    return redirect(wishlist)


@login_required
@require_POST
def wishlist_remove(request, pk: int, listing_id: int):
    wishlist = access_wishlist(request.user, pk)
    wishlist_services.wishlist_remove(wishlist=wishlist, actor=request.user, listing_id=listing_id)
    messages.success(request, gettext("Removed from the list."))
    return redirect(_safe_next(request, wishlist.get_absolute_url()))


@require_POST
def wishlist_toggle(request, listing_id: int):
    """The heart on cards and the listing page: save to the latest list, or unsave from all.

    Answers JSON for ``static/js/wishlists.js`` (``Accept: application/json``),
    otherwise redirects back with a message. Visitors are sent to log in first.
    """
    listing = get_object_or_404(Listing, pk=listing_id, status=ListingStatus.PUBLISHED)
    if not request.user.is_authenticated:
        if _wants_json(request):
            return JsonResponse(
                {"error": {"code": "not_authenticated", "message": gettext("Log in to save.")}}, status=401
            )
        return redirect_to_login(listing.get_absolute_url())
    saved, wishlist = wishlist_services.wishlist_toggle(user=request.user, listing=listing)
    text = (
        gettext("Saved to “%(name)s”.") % {"name": wishlist.name} if saved else gettext("Removed from your wishlists.")
    )
    if _wants_json(request):
        body = {"saved": saved, "message": text, "wishlist": None}
        if wishlist is not None:
            body["wishlist"] = {"id": wishlist.pk, "name": wishlist.name, "url": wishlist.get_absolute_url()}
        return JsonResponse(body)
    messages.success(request, text)
    return redirect(_safe_next(request, listing.get_absolute_url()))


@login_required
@require_http_methods(["GET", "POST"])
def wishlist_save(request, listing_id: int):
    """Choose which list to save a listing in, or create a new list for it."""
    listing = get_object_or_404(Listing, pk=listing_id, status=ListingStatus.PUBLISHED)
    wishlists = wishlist_list_for_user(user=request.user)
    form = WishlistChooseForm(request.POST or None, wishlists=wishlists)
    if request.method == "POST" and form.is_valid():
        wishlist = None
        if not form.cleaned_data.get("new_name", "").strip():
            wishlist = access_wishlist(request.user, form.cleaned_data["wishlist"])
        try:
            if wishlist is None:
                wishlist = wishlist_services.wishlist_create(owner=request.user, name=form.cleaned_data["new_name"])
            wishlist_services.wishlist_add(wishlist=wishlist, actor=request.user, listing=listing)
        except ValidationError as exc:
            form_add_service_errors(form, exc, aliases={"name": "new_name"})
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, gettext("Saved to “%(name)s”.") % {"name": wishlist.name})
            return redirect(_safe_next(request, listing.get_absolute_url()))
    return render(
        request,
        "wishlists/save.html",
        {
            "listing": listing,
            "form": form,
            "saved": listing.pk in wishlist_saved_listing_ids(user=request.user),
            "next": _safe_next(request, listing.get_absolute_url()),
        },
        status=400 if form.errors else 200,
    )


@require_safe
def wishlist_shared(request, token: str):
    """A shared list, read-only, for anyone with the link (not indexed by search engines)."""
    try:
        wishlist = wishlist_get_shared(token=token)
    except Wishlist.DoesNotExist:
        raise Http404(gettext("This link is not valid or sharing was turned off.")) from None
    response = render(
        request,
        "wishlists/shared.html",
        {
            "wishlist": wishlist,
            "entries": wishlist_entries(wishlist=wishlist),
            "is_owner": request.user.is_authenticated and request.user.pk == wishlist.owner_id,
        },
    )
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
