"""``zhengfa pii …``: the personal-data lifecycle from the console.

- ``rotate [--pause S] [--batch N]``: re-encrypt under the current key (pii.rotation);
  safe to run beside the live system and to kill: started again, it continues.
- ``rotation-status``: what each key still seals.
- ``retire-key KID [--accept-audit-loss]``: refuses (exit 2, with where) while KID is used.
- ``export (--id-number N | --person PK) --actor ADMIN --reason REF --out FILE``: JSON,
  plus FILE with ``.txt`` for the person to read.
- ``erase (--id-number N | --person PK) --actor ADMIN --reason GROUND``: crypto-shred;
  refused (exit 2, with why) while the law keeps the data.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from zhengfa.org.models import User
from zhengfa.pii import crypto
from zhengfa.pii.export import export_summary, person_by_id_number, person_export
from zhengfa.pii.models import Person
from zhengfa.pii.rotation import BATCH, KeyInUse, key_usage, pii_rotate_keys, retire_key
from zhengfa.pii.services import ErasureRefused, person_erase_key

USAGE = 2


class Command(BaseCommand):
    help = "Personal data lifecycle: rotate, rotation-status, retire-key, export, erase."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        rotate = sub.add_parser("rotate", help="re-encrypt under the first key of ZHENGFA_PII_KEYS")
        rotate.add_argument("--batch", type=int, default=BATCH)
        rotate.add_argument("--pause", type=float, default=0.0, help="seconds between batches")
        sub.add_parser("rotation-status", help="how many values each key still seals")
        retire = sub.add_parser("retire-key", help="check a key is unused and record it")
        retire.add_argument("key_id")
        retire.add_argument("--actor", required=True, help="username of a platform admin")
        retire.add_argument("--accept-audit-loss", action="store_true")
        for name in ("export", "erase"):
            cmd = sub.add_parser(name)
            who = cmd.add_mutually_exclusive_group(required=True)
            who.add_argument("--id-number")
            who.add_argument("--person", type=int, help="the person's record id")
            cmd.add_argument("--actor", required=True, help="username of a platform admin")
            cmd.add_argument("--reason", required=True, help="request reference / legal ground")
            if name == "export":
                cmd.add_argument("--out", type=Path, required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        action = {
            "rotate": self._rotate,
            "rotation-status": self._status,
            "retire-key": self._retire,
            "export": self._export,
            "erase": self._erase,
        }[options["subcommand"]]
        try:
            action(options)
        except (ImproperlyConfigured, KeyInUse, ErasureRefused, PermissionDenied) as exc:
            raise CommandError(str(exc), returncode=USAGE) from exc
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages), returncode=USAGE) from exc

    def _rotate(self, options: dict[str, Any]) -> None:
        total = Person.objects.filter(erased_at__isnull=True).count()
        columns = (
            TextColumn("re-encrypting"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
        )
        with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
            task = progress.add_task("people", total=total)
            changed = pii_rotate_keys(
                progress=lambda n: progress.advance(task, n),
                batch_size=options["batch"],
                pause=options["pause"],
            )
        current = crypto.keyring().current_id
        self.stdout.write(f"{changed} rows re-encrypted under key {current} ({total} people)")

    def _status(self, options: dict[str, Any]) -> None:
        current = crypto.keyring().current_id
        for key_id, used in key_usage().items():
            mark = " (current)" if key_id == current else ""
            total = sum(used.values())
            self.stdout.write(f"{key_id}{mark}: {total} values")
            for label, count in sorted(used.items()):
                self.stdout.write(f"  {label}: {count}")

    def _retire(self, options: dict[str, Any]) -> None:
        actor = _actor(options["actor"])
        retire_key(
            actor=actor, key_id=options["key_id"], accept_audit_loss=options["accept_audit_loss"]
        )
        self.stdout.write(f"key {options['key_id']} unused: remove it from ZHENGFA_PII_KEYS")

    def _export(self, options: dict[str, Any]) -> None:
        out: Path = options["out"]
        if not out.parent.is_dir():  # checked first: an audited export must reach its file
            raise CommandError(f"--out: no folder {out.parent}", returncode=USAGE)
        export = person_export(
            actor=_actor(options["actor"]), person=_person(options), reason=options["reason"]
        )
        out.write_text(json.dumps(export, ensure_ascii=False, indent=2), encoding="utf-8")
        summary = out.with_suffix(".txt")
        summary.write_text(export_summary(export), encoding="utf-8")
        counts = ", ".join(f"{k} {len(v['records'])}" for k, v in export["sections"].items())
        self.stdout.write(f"exported to {out} and {summary}: {counts or 'no matters'}")

    def _erase(self, options: dict[str, Any]) -> None:
        person = person_erase_key(
            actor=_actor(options["actor"]), person=_person(options), reason=options["reason"]
        )
        self.stdout.write(f"person #{person.pk} erased: their data key is destroyed")


def _actor(username: str) -> User:
    try:
        return User.objects.get(username=username, is_active=True)
    except User.DoesNotExist:
        raise CommandError(f"--actor: no active user {username!r}", returncode=USAGE) from None


def _person(options: dict[str, Any]) -> Person:
    if options["id_number"]:
        found = person_by_id_number(options["id_number"])
    else:
        found = Person.objects.filter(pk=options["person"]).first()
    if found is None:
        raise CommandError("no such person on the platform", returncode=USAGE)
    return found
