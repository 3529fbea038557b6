"""Notifications: in-app rows and emails, with per-category opt-outs and per-thread throttling.

``notify`` is the one entry point (messages, booking events, reviews). It writes
the in-app notification and, unless the user turned that category's emails
off, queues a ``NotificationEmail`` that a Celery task sends after commit (with
retries; the beat flush catches any the broker lost).

Throttling by ``group_key`` (a thread): the first event emails at once; events
arriving while an email of the group is pending join it, and the next email of
the group is not sent before ``NOTIFICATION_EMAIL_THROTTLE_MINUTES`` after the
previous one, so a busy conversation sends one summary every few minutes.
Reading the conversation cancels its pending email.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import pgettext_lazy

from ..models import Notification, NotificationCategory, NotificationEmail, NotificationPreference

logger = logging.getLogger(__name__)
E = NotificationEmail.Status
ITEM_SEPARATOR = "\n\n"
# Emails handed to one send task: a batch's emails go out together, a few tasks instead of one each.
EMAILS_PER_TASK = 50


# The category as the email's footer names it mid-sentence ("… because messages notifications are
# on"): its own msgid, so each language writes it as it should there (German capitalises nouns).
CATEGORY_IN_SENTENCE = {
    NotificationCategory.MESSAGE: pgettext_lazy("notification category, mid-sentence", "messages"),
    NotificationCategory.BOOKING: pgettext_lazy("notification category, mid-sentence", "bookings"),
    NotificationCategory.REVIEW: pgettext_lazy("notification category, mid-sentence", "reviews"),
}


def email_throttle() -> dt.timedelta:
    return dt.timedelta(minutes=float(getattr(settings, "NOTIFICATION_EMAIL_THROTTLE_MINUTES", 5)))


def notification_email_enabled(*, user_id: int, category: str) -> bool:
    """Whether ``user_id`` wants emails of ``category`` (no preference row means yes)."""
    return not NotificationPreference.objects.filter(user_id=user_id, category=category, email=False).exists()


def notify(
    *,
    user,
    category: str,
    title: str,
    body: str = "",
    url: str = "",
    group_key: str = "",
    group_title: str | Callable[[int], str] = "",
) -> Notification:
    """Tell ``user`` about an event: an in-app notification, and an email unless opted out.

    ``group_key`` groups a stream of events (a thread's messages): they share one
    unread notification and one throttled email; ``group_title`` (a format string
    with ``{count}``, or a function of the count, for plural forms) titles the group once it
    holds several events. Texts are stored as given: build them in the recipient's language
    (inside ``translation.override``; a callable ``group_title`` is called there too). Call inside
    the transaction that made the event happen: nothing is sent if it rolls back.
    """
    if category not in NotificationCategory.values:
        raise ValueError(f"Unknown notification category {category!r}")
    title, body = title[:200], body[:2000]
    with transaction.atomic():
        notification = _in_app(
            user=user, category=category, title=title, body=body, url=url, group_key=group_key, group_title=group_title
        )
        if user.is_active and user.email and notification_email_enabled(user_id=user.pk, category=category):
            _queue_email(
                user=user,
                category=category,
                title=title,
                body=body,
                url=url,
                group_key=group_key,
                group_title=group_title,
            )
    return notification


@dataclass(frozen=True)
class NotificationDraft:
    """One ungrouped notification for ``notify_many``."""

    user: object
    category: str
    title: str
    body: str = ""
    url: str = ""


def notify_many(*, drafts: Sequence[NotificationDraft]) -> list[Notification]:
    """Several ungrouped notifications at once: what ``notify`` does for each, in a few statements.

    For a publisher with a batch (the booking outbox): one insert of the in-app
    rows, one read of the recipients' opt-outs, one insert of the emails, and
    after commit one send task per ``EMAILS_PER_TASK`` emails. Same rules as
    ``notify`` (titles and bodies cut to their columns, no email to an inactive
    or address-less user or one who turned the category off). Call inside the
    transaction that made the events happen.
    """
    for draft in drafts:
        if draft.category not in NotificationCategory.values:
            raise ValueError(f"Unknown notification category {draft.category!r}")
    if not drafts:
        return []
    now = timezone.now()
    notifications = Notification.objects.bulk_create(
        [
            Notification(
                user=draft.user, category=draft.category, title=draft.title[:200], body=draft.body[:2000], url=draft.url
            )
            for draft in drafts
        ]
    )
    opted_out = set(
        NotificationPreference.objects.filter(user_id__in={draft.user.pk for draft in drafts}, email=False).values_list(
            "user_id", "category"
        )
    )
    emails = NotificationEmail.objects.bulk_create(
        [
            NotificationEmail(
                user=draft.user,
                category=draft.category,
                subject=draft.title[:200],
                body="\n".join(part for part in (draft.title[:200], draft.body[:2000]) if part),
                url=draft.url,
                send_after=now,
            )
            for draft in drafts
            if draft.user.is_active and draft.user.email and (draft.user.pk, draft.category) not in opted_out
        ]
    )
    email_ids = [email.pk for email in emails]
    if email_ids:
        transaction.on_commit(lambda: _schedule_many(email_ids))
    return notifications


def _group_title(group_title, title: str, count: int) -> str:
    if not group_title or count <= 1:
        return title[:200]
    if callable(group_title):
        return group_title(count)[:200]
    # replace(), not format(): the rest of the title holds user text (names) that may contain braces.
    return group_title.replace("{count}", str(count))[:200]


def _in_app(*, user, category, title, body, url, group_key, group_title) -> Notification:
    if group_key:
        for _ in range(2):
            current = (
                Notification.objects.select_for_update()
                .filter(user=user, group_key=group_key, read_at__isnull=True)
                .first()
            )
            if current is not None:
                current.count += 1
                current.title = _group_title(group_title, title, current.count)
                current.body, current.url = body, url
                current.save(update_fields=["count", "title", "body", "url", "updated_at"])
                return current
            try:
                with transaction.atomic():
                    return Notification.objects.create(
                        user=user, category=category, title=title, body=body, url=url, group_key=group_key
                    )
            except IntegrityError:
                continue  # another event of the group created it just now: join it
    return Notification.objects.create(user=user, category=category, title=title, body=body, url=url)


def _queue_email(*, user, category, title, body, url, group_key, group_title) -> None:
    now = timezone.now()
    item = "\n".join(part for part in (title, body) if part)
    for attempt in range(2):
        send_after = now
        if group_key:
            pending = (
                NotificationEmail.objects.select_for_update()
                .filter(user=user, group_key=group_key, status=E.PENDING)
                .first()
            )
            if pending is not None:
                # The pending email (already scheduled) will carry this event too.
                pending.items += 1
                pending.subject = _group_title(group_title, title, pending.items)
                pending.body = pending.body + ITEM_SEPARATOR + item
                pending.url = url
                pending.save(update_fields=["items", "subject", "body", "url"])
                return
            last_sent = (
                NotificationEmail.objects.filter(user=user, group_key=group_key, status=E.SENT)
                .order_by("-sent_at")
                .values_list("sent_at", flat=True)
                .first()
            )
            if last_sent and last_sent + email_throttle() > now:
                send_after = last_sent + email_throttle()
        try:
            with transaction.atomic():
                email = NotificationEmail.objects.create(
                    user=user,
                    category=category,
                    group_key=group_key,
                    subject=title,
                    body=item,
                    url=url,
                    send_after=send_after,
                )
        except IntegrityError:
            if not group_key or attempt:
                raise
            continue  # a concurrent event of the group queued its email first: join it
        transaction.on_commit(lambda email_id=email.pk, eta=send_after: _schedule(email_id, eta))
        return


def _schedule(email_id: int, send_after: dt.datetime) -> None:
    from ..tasks import notification_email_send_task

    eta = send_after if send_after > timezone.now() else None
    try:
        notification_email_send_task.apply_async((email_id,), eta=eta)
    except Exception:
        # The broker is down: the email stays pending and the beat flush sends it.
        logger.exception("Could not queue notification email %s; the flush task will send it", email_id)


def _schedule_many(email_ids: list[int]) -> None:
    from ..tasks import notification_emails_send_task

    for start in range(0, len(email_ids), EMAILS_PER_TASK):
        chunk = email_ids[start : start + EMAILS_PER_TASK]
        try:
            notification_emails_send_task.apply_async((chunk,))
        except Exception:
            logger.exception("Could not queue %d notification emails; the flush task will send them", len(chunk))
            return


def _absolute(url: str) -> str:
    if not url or url.startswith(("http://", "https://")):
        return url
    return getattr(settings, "SITE_URL", "").rstrip("/") + url


def notification_email_send(*, email_id: int, now: dt.datetime | None = None) -> bool:
    """Send one queued email if it is due and still wanted; returns whether it was sent.

    The row is claimed with ``FOR UPDATE SKIP LOCKED`` so two workers never send
    it twice; a failure of the mail server raises (the task retries) and leaves
    it pending.
    """
    now = now or timezone.now()
    with transaction.atomic():
        email = (
            NotificationEmail.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("user")
            .filter(pk=email_id, status=E.PENDING)
            .first()
        )
        if email is None or email.send_after > now:
            return False
        user = email.user
        if not (user.is_active and user.email) or not notification_email_enabled(
            user_id=user.pk, category=email.category
        ):
            email.status = E.CANCELLED
            email.save(update_fields=["status"])
            return False
        _email_message(email).send()
        email.status, email.sent_at = E.SENT, now
        email.save(update_fields=["status", "sent_at"])
    return True


def _email_message(email: NotificationEmail) -> EmailMessage:
    """The email of a queued row, in its recipient's language (a worker has no request language).

    Subject and items were written in that language when queued (``notify`` is called inside
    ``translation.override``); the wrapper is rendered here the same way.
    """
    user = email.user
    with translation.override(user.language or settings.LANGUAGE_CODE):
        text = _email_text(email)
    # A subject is one header line: whatever the names in it contain, never a line break.
    subject = " ".join(email.subject.split())
    return EmailMessage(subject, text, settings.DEFAULT_FROM_EMAIL, [user.email])


def _email_text(email: NotificationEmail) -> str:
    return render_to_string(
        "messaging/email/notification.txt",
        {
            "user": email.user,
            "email": email,
            "url": _absolute(email.url),
            "settings_url": _absolute(reverse("messaging:notification_settings")),
            "category_label": str(CATEGORY_IN_SENTENCE[email.category]),
        },
    )


def notification_emails_send_many(*, email_ids: Sequence[int], now: dt.datetime | None = None) -> int:
    """Send these queued emails that are due and still wanted, over one mail connection; returns how many.

    What ``notification_email_send`` does for one, for a batch: the rows are
    claimed together (``SKIP LOCKED``: never sent twice), opt-outs read once.
    If the mail server fails partway, the emails it took are marked sent, the
    rest stay pending, and the error is raised so the task retries them.
    """
    now = now or timezone.now()
    with transaction.atomic():
        emails = list(
            NotificationEmail.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("user")
            .filter(pk__in=list(email_ids), status=E.PENDING, send_after__lte=now)
            .order_by("pk")
        )
        opted_out = set(
            NotificationPreference.objects.filter(user_id__in={e.user_id for e in emails}, email=False).values_list(
                "user_id", "category"
            )
        )
        wanted = [e for e in emails if e.user.is_active and e.user.email and (e.user_id, e.category) not in opted_out]
        unwanted = [e.pk for e in emails if e not in wanted]
        sent, failure = [], None
        if wanted:
            mail_connection = get_connection()
            try:
                mail_connection.open()
                for email in wanted:
                    mail_connection.send_messages([_email_message(email)])
                    sent.append(email.pk)
            except OSError as error:
                failure = error
            finally:
                mail_connection.close()
        NotificationEmail.objects.filter(pk__in=sent).update(status=E.SENT, sent_at=now)
        NotificationEmail.objects.filter(pk__in=unwanted).update(status=E.CANCELLED)
    if failure is not None:
        raise failure
    return len(sent)


def notification_emails_flush(*, now: dt.datetime | None = None, batch: int = 200) -> int:
    """Send every pending email that is due (beat): the safety net behind the per-email tasks."""
    now = now or timezone.now()
    due = list(
        NotificationEmail.objects.filter(status=E.PENDING, send_after__lte=now)
        .order_by("send_after")
        .values_list("pk", flat=True)[:batch]
    )
    sent = 0
    for email_id in due:
        try:
            sent += notification_email_send(email_id=email_id, now=now)
        except OSError:
            # The mail server refused or is down: keep the email pending for the next run.
            logger.exception("Sending notification email %s failed; will retry", email_id)
            break
    return sent


def notifications_mark_read(*, user, ids: list[int] | None = None, group_key: str = "") -> int:
    """Mark ``user``'s notifications read: all, these ``ids``, or a group's.

    Reading a group (opening a conversation) also cancels its pending email:
    the user has seen what it would have told them. Returns how many were marked.
    """
    now = timezone.now()
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    if group_key:
        unread = unread.filter(group_key=group_key)
        NotificationEmail.objects.filter(user=user, group_key=group_key, status=E.PENDING).update(status=E.CANCELLED)
    return unread.update(read_at=now)


def notification_preferences_set(*, user, email_by_category: dict[str, bool]) -> None:
    """Turn emails on or off per category for ``user``."""
    with transaction.atomic():
        for category, enabled in email_by_category.items():
            if category not in NotificationCategory.values:
                raise ValueError(f"Unknown notification category {category!r}")
            NotificationPreference.objects.update_or_create(
                user=user, category=category, defaults={"email": bool(enabled)}
            )
