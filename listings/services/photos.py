"""Photo writes: upload, reorder, cover, caption, delete, and the resized variants.

Files go through Django's storage API only (local disk by default, S3 in
production). An upload is checked and cleaned in full before anything is
stored (``listings.images.photo_clean``), stored before the short transaction
that adds the rows under the listing lock, and removed again if that
transaction fails: a failed upload leaves neither rows nor files behind.
Variants are drawn by a Celery task scheduled on commit.

Files are deleted only under ``listings/``: the demo world's rows share a pool
of images under ``demo/`` that must survive any one photo's deletion.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Sequence
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count, Max
from django.utils.translation import gettext
from PIL import Image

from ..errors import LastPhoto
from ..images import PHOTO_MAX_PIXELS, PhotoInvalid, photo_clean, photo_variants
from ..locks import listing_lock
from ..models import PHOTO_VARIANTS, Listing, ListingPhoto, ListingStatus, photo_upload_to
from .common import ensure_can_edit

logger = logging.getLogger(__name__)

MAX_PHOTOS = 50
OWNED_PREFIX = "listings/"


def _storage():
    return ListingPhoto._meta.get_field("image").storage


def _display_name(upload, index: int) -> str:
    name = PurePath(getattr(upload, "name", "") or "").name
    return f"{name[:60]!s}" if name else gettext("File %(number)s") % {"number": index}


def photo_add(*, listing: Listing, actor, files: Sequence) -> list[ListingPhoto]:
    """Add uploaded ``files`` (Django ``UploadedFile``s) to ``listing``, after its current photos.

    All or nothing: every file is checked first and any bad one fails the whole
    upload with ``ValidationError({"photos": [one message per bad file]})``;
    so does going over ``MAX_PHOTOS``. Each original is re-encoded (metadata
    such as GPS position stripped) under a random name. Variants are generated
    after commit by ``listings.tasks.photo_generate_variants``. Raises
    ``NotListingOwner`` (403) and ``ListingGone`` (404) too.
    """
    ensure_can_edit(listing, actor)
    files = list(files)
    if not files:
        raise ValidationError({"photos": [gettext("Choose at least one photo to upload.")]})
    existing = ListingPhoto.objects.filter(listing_id=listing.pk).count()
    _check_room(existing, len(files))

    cleaned, errors = [], []
    for index, upload in enumerate(files, start=1):
        try:
            cleaned.append(photo_clean(upload))
        except PhotoInvalid as exc:
            errors.append(
                gettext("%(file)s: %(problem)s") % {"file": _display_name(upload, index), "problem": exc.message}
            )
    if errors:
        raise ValidationError({"photos": errors})

    storage = _storage()
    stored: list[str] = []
    try:
        for photo in cleaned:
            name = photo_upload_to(ListingPhoto(listing_id=listing.pk), f"photo{photo.extension}")
            stored.append(storage.save(name, ContentFile(photo.content)))
        with transaction.atomic():
            listing_lock(listing_id=listing.pk, live_only=True)
            current = ListingPhoto.objects.filter(listing_id=listing.pk).aggregate(n=Count("pk"), last=Max("position"))
            _check_room(current["n"], len(cleaned))
            start = -1 if current["last"] is None else current["last"]
            photos = ListingPhoto.objects.bulk_create(
                ListingPhoto(
                    listing_id=listing.pk,
                    image=name,
                    width=photo.width,
                    height=photo.height,
                    position=start + offset,
                )
                for offset, (name, photo) in enumerate(zip(stored, cleaned, strict=True), start=1)
            )
            ids = [photo.pk for photo in photos]
            transaction.on_commit(lambda: _schedule_variants(ids))
    except BaseException:
        for name in stored:
            storage.delete(name)
        raise
    return photos


def _check_room(existing: int, adding: int) -> None:
    if existing + adding > MAX_PHOTOS:
        room = max(MAX_PHOTOS - existing, 0)
        raise ValidationError(
            {
                "photos": [
                    (
                        gettext(
                            "A listing can have at most %(max)s photos. This one has %(existing)s, "
                            "so you can add %(room)s more."
                        )
                        if room
                        else gettext(
                            "A listing can have at most %(max)s photos. This one has %(existing)s, "
                            "so you can add 0 more (delete some first)."
                        )
                    )
                    % {"max": MAX_PHOTOS, "existing": existing, "room": room}
                ]
            }
        )


def _schedule_variants(photo_ids: list[int]) -> None:
    from ..tasks import photo_generate_variants

    for photo_id in photo_ids:
        photo_generate_variants.delay(photo_id)


def _positions_write(photos: list[ListingPhoto]) -> None:
    """Number ``photos`` 0..n-1 in list order (the UNIQUE (listing, position) check is deferred to commit)."""
    changed = []
    for position, photo in enumerate(photos):
        if photo.position != position:
            photo.position = position
            changed.append(photo)
    if changed:
        ListingPhoto.objects.bulk_update(changed, ["position"])


def photo_reorder(*, listing: Listing, actor, photo_ids: Sequence[int]) -> list[ListingPhoto]:
    """Put the listing's photos in the order of ``photo_ids`` (the first becomes the cover).

    ``photo_ids`` must name every photo of the listing exactly once, else
    ``ValidationError({"order": ...})``. Returns the photos in their new order.
    """
    ensure_can_edit(listing, actor)
    wanted = [int(pk) for pk in photo_ids]
    with transaction.atomic():
        listing_lock(listing_id=listing.pk, live_only=True)
        photos = {photo.pk: photo for photo in ListingPhoto.objects.filter(listing_id=listing.pk)}
        if len(wanted) != len(set(wanted)) or set(wanted) != set(photos):
            raise ValidationError({"order": [gettext("List every photo of this listing exactly once.")]})
        ordered = [photos[pk] for pk in wanted]
        _positions_write(ordered)
    return ordered


def photo_move(*, photo: ListingPhoto, actor, offset: int) -> list[ListingPhoto]:
    """Move a photo ``offset`` places (-1 earlier, +1 later; clamped at the ends). For the no-JavaScript page."""
    ensure_can_edit(photo.listing, actor)
    with transaction.atomic():
        listing_lock(listing_id=photo.listing_id, live_only=True)
        photos = list(ListingPhoto.objects.filter(listing_id=photo.listing_id).order_by("position", "pk"))
        index = next((i for i, p in enumerate(photos) if p.pk == photo.pk), None)
        if index is None:
            raise ListingPhoto.DoesNotExist
        target = max(0, min(len(photos) - 1, index + offset))
        photos.insert(target, photos.pop(index))
        _positions_write(photos)
    return photos


def photo_set_cover(*, photo: ListingPhoto, actor) -> list[ListingPhoto]:
    """Make ``photo`` the cover (position 0); the others keep their order after it."""
    ensure_can_edit(photo.listing, actor)
    with transaction.atomic():
        listing_lock(listing_id=photo.listing_id, live_only=True)
        photos = list(ListingPhoto.objects.filter(listing_id=photo.listing_id).order_by("position", "pk"))
        if photo.pk not in {p.pk for p in photos}:
            raise ListingPhoto.DoesNotExist
        ordered = [p for p in photos if p.pk == photo.pk] + [p for p in photos if p.pk != photo.pk]
        _positions_write(ordered)
    return ordered


def photo_caption(*, photo: ListingPhoto, actor, caption: str) -> ListingPhoto:
    """Set a photo's caption (alt text for guests using screen readers); at most 200 characters."""
    ensure_can_edit(photo.listing, actor)
    caption = (caption or "").strip()
    if len(caption) > 200:
        raise ValidationError(
            {"caption": [gettext("At most 200 characters (this one has %(length)s).") % {"length": len(caption)}]}
        )
    with transaction.atomic():
        listing_lock(listing_id=photo.listing_id, live_only=True)
        updated = ListingPhoto.objects.filter(pk=photo.pk, listing_id=photo.listing_id).update(caption=caption)
        if not updated:
            raise ListingPhoto.DoesNotExist
    photo.caption = caption
    return photo


def photo_delete(*, photo: ListingPhoto, actor) -> None:
    """Delete a photo and, after commit, its files; the remaining photos close the gap.

    A published listing keeps at least one photo: deleting its last raises
    ``LastPhoto`` (409).
    """
    ensure_can_edit(photo.listing, actor)
    with transaction.atomic():
        listing = listing_lock(listing_id=photo.listing_id, live_only=True)
        photos = list(ListingPhoto.objects.filter(listing_id=listing.pk).order_by("position", "pk"))
        target = next((p for p in photos if p.pk == photo.pk), None)
        if target is None:
            raise ListingPhoto.DoesNotExist
        if listing.status == ListingStatus.PUBLISHED and len(photos) == 1:
            raise LastPhoto(
                message=gettext(
                    "A published listing needs at least one photo. Add another photo first, or unlist the listing."
                )
            )
        names = _owned_files(target)
        target.delete()
        _positions_write([p for p in photos if p.pk != target.pk])
        transaction.on_commit(lambda: _files_delete(names))


def _owned_files(photo: ListingPhoto) -> list[str]:
    names = [photo.image.name, *(photo.variant_name(variant) for variant, _ in PHOTO_VARIANTS)]
    return [name for name in names if name and name.startswith(OWNED_PREFIX)]


def _files_delete(names: list[str]) -> None:
    storage = _storage()
    for name in names:
        try:
            storage.delete(name)
        except OSError:
            # A file left behind costs storage, not correctness; the row is gone.
            logger.warning("could not delete photo file %s", name, exc_info=True)


def photo_variants_generate(*, photo_id: int, force: bool = False) -> bool:
    """Draw and store the WebP variants (``PHOTO_VARIANTS``) of one photo and record their names.

    Returns False when there is nothing to do: the photo is gone, or already has
    every variant (unless ``force``). Variant names derive from the original's
    (``<name>-card.webp``), under the listing's folder. If the photo is deleted
    or its file replaced while drawing, the new files are removed again.
    Replaced variants (``force``) are deleted after the new names are saved.
    """
    photo = ListingPhoto.objects.filter(pk=photo_id).first()
    if photo is None:
        return False
    previous = {variant: photo.variant_name(variant) for variant, _ in PHOTO_VARIANTS}
    if all(previous.values()) and not force:
        return False
    storage = _storage()
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        with storage.open(photo.image.name, "rb") as handle, Image.open(handle) as image:
            if image.width * image.height > PHOTO_MAX_PIXELS:
                raise PhotoInvalid(gettext("Photo %(id)s is too large to resize.") % {"id": photo_id})
            image.load()
            drawn = photo_variants(image, dict(PHOTO_VARIANTS))

    stem = PurePath(photo.image.name).stem
    folder = f"{OWNED_PREFIX}{photo.listing_id}"
    saved: dict[str, str] = {}
    try:
        for variant, (content, _width, _height) in drawn.items():
            saved[variant] = storage.save(f"{folder}/{stem}-{variant}.webp", ContentFile(content))
        updated = ListingPhoto.objects.filter(pk=photo.pk, image=photo.image.name).update(
            **{f"image_{variant}": name for variant, name in saved.items()}
        )
    except BaseException:
        _files_delete(list(saved.values()))
        raise
    if not updated:
        _files_delete(list(saved.values()))
        return False
    _files_delete([name for name in previous.values() if name and name.startswith(OWNED_PREFIX)])
    return True
