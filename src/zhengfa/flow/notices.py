"""Notices: the in-app inbox, e-mail through Django's mail backends, SMS through a backend.

``notify`` writes one ``Notice`` per recipient in the caller's transaction, with the
channels the person chose (``User.notify_inbox/email/sms``). E-mail and SMS leave later,
from ``deliver_pending`` (run by the worker), so a rolled-back transaction sends nothing.
A delivery that succeeds and then loses its commit (the worker killed in between) is sent
again: external delivery is at-least-once, the inbox exactly-once.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import Any, Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils.module_loading import import_string

from zhengfa.flow.common import now
from zhengfa.flow.models import Matter, Notice, NoticeChannel


class SmsBackend(Protocol):
    def send(self, phone: str, text: str) -> None: ...


class ConsoleSmsBackend:
    """Writes each SMS to standard output; the default until a gateway is configured."""

    def send(self, phone: str, text: str) -> None:
        sys.stdout.write(f"[SMS to {phone or '(no number)'}] {text}\n")


class MemorySmsBackend:
    """Keeps sent SMS in ``MemorySmsBackend.outbox``, for tests (like locmem e-mail)."""

    outbox: list[tuple[str, str]] = []

    def send(self, phone: str, text: str) -> None:
        MemorySmsBackend.outbox.append((phone, text))


def sms_backend() -> SmsBackend:
    path = getattr(settings, "SMS_BACKEND", "zhengfa.flow.notices.ConsoleSmsBackend")
    backend: SmsBackend = import_string(path)()
    return backend


def channels_of(user: Any) -> list[str]:
    chosen = [
        (user.notify_inbox, NoticeChannel.INBOX),
        (user.notify_email and bool(user.email), NoticeChannel.EMAIL),
        (user.notify_sms, NoticeChannel.SMS),
    ]
    return [str(channel) for wanted, channel in chosen if wanted]


def build(recipient: Any, subject: str, body: str, matter: Matter | None) -> Notice:
    channels = channels_of(recipient)
    return Notice(
        recipient=recipient,
        matter=matter,
        subject=subject[:200],
        body=body,
        created_at=now(),
        channels=channels,
        outbox=any(c != NoticeChannel.INBOX for c in channels),
    )


def notify(
    recipients: Iterable[Any], subject: str, body: str, matter: Matter | None = None
) -> list[Notice]:
    """One notice per distinct recipient (None entries are skipped)."""
    unique = {r.pk: r for r in recipients if r is not None}
    return Notice.objects.bulk_create([build(r, subject, body, matter) for r in unique.values()])


def deliver_pending(batch: int = 200) -> int:
    """Send the e-mail and SMS of up to ``batch`` notices; safe with many workers."""
    with transaction.atomic():
        pending = list(
            Notice.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("recipient")
            .filter(outbox=True)
            .order_by("pk")[:batch]
        )
        for notice in pending:
            _deliver(notice)
        Notice.objects.bulk_update(pending, ["delivered", "outbox"])
    return len(pending)


def _deliver(notice: Notice) -> None:
    user = notice.recipient
    text = f"{notice.subject}\n\n{notice.body}"
    if NoticeChannel.EMAIL in notice.channels and NoticeChannel.EMAIL not in notice.delivered:
        send_mail(notice.subject, notice.body, None, [user.email], fail_silently=False)
        notice.delivered.append(str(NoticeChannel.EMAIL))
    if NoticeChannel.SMS in notice.channels and NoticeChannel.SMS not in notice.delivered:
        sms_backend().send(getattr(user, "phone", "") or "", text[:280])
        notice.delivered.append(str(NoticeChannel.SMS))
    notice.outbox = False
