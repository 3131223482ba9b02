"""``zhengfa courts …``: case numbers and cause-of-action catalogues.

    zhengfa courts case-number TEXT [--json]
    zhengfa courts case-types [--json]
    zhengfa courts import-causes FILE --kind civil --effective-from 2021-01-01
        [--effective-to 2025-12-31] [--unverified] [--title …] [--version …] [--source …]
        [--actor USERNAME]

Bad input: a message naming what is wrong and what is accepted, exit code 2, nothing stored.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from zhengfa.courts.casenumber import (
    CATEGORY_LABELS,
    INSTANCE_LABELS,
    CaseNumberError,
    case_types,
    parse_case_number,
)
from zhengfa.courts.models import CauseKind
from zhengfa.courts.services import cause_catalogue_import

BAD_INPUT = 2


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(
            f"“{text}” is not a date; use YYYY-MM-DD, e.g. 2021-01-01", returncode=BAD_INPUT
        ) from exc


class Command(BaseCommand):
    help = "Courts: parse case numbers (案号), list case types, import cause catalogues (案由)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        number = sub.add_parser("case-number", help="parse and check a case number")
        number.add_argument("text", help="e.g. （2026）豫1502民初1234号")
        number.add_argument("--json", action="store_true", help="print the parts as JSON")
        types = sub.add_parser("case-types", help="list the SPC case-type codes")
        types.add_argument("--json", action="store_true", help="print the table as JSON")
        causes = sub.add_parser("import-causes", help="import a cause-of-action catalogue CSV")
        causes.add_argument("file", help="CSV with columns code,level,name,parent_code")
        causes.add_argument("--kind", required=True, choices=CauseKind.values)
        causes.add_argument("--effective-from", required=True, help="YYYY-MM-DD")
        causes.add_argument("--effective-to", help="YYYY-MM-DD, last day in force")
        causes.add_argument(
            "--unverified", action="store_true", help="not checked against the official text"
        )
        causes.add_argument("--title", default="")
        causes.add_argument("--version", dest="catalogue_version", default="")
        causes.add_argument(
            "--source", default="", help="the document, its number and where the file came from"
        )
        causes.add_argument("--actor", help="username of the platform admin importing it")

    def handle(self, *args: Any, **options: Any) -> None:
        handlers = {
            "case-number": self._case_number,
            "case-types": self._case_types,
            "import-causes": self._import_causes,
        }
        handlers[options["action"]](options)

    # ---- case numbers ------------------------------------------------------------------

    def _case_number(self, options: dict[str, Any]) -> None:
        try:
            number = parse_case_number(options["text"], max_year=timezone.localdate().year)
        except CaseNumberError as exc:
            if options["json"]:
                error = {"error": {"part": exc.part.value, "message": exc.message}}
                self.stdout.write(json.dumps(error, ensure_ascii=False))
            raise CommandError(str(exc), returncode=BAD_INPUT) from exc
        if options["json"]:
            self.stdout.write(json.dumps(number.as_dict(), ensure_ascii=False))
            return
        for key, value in number.as_dict().items():
            self.stdout.write(f"{key}: {value}")
        self.stdout.write(f"court_level: {number.court_level}")
        self.stdout.write(f"category: {CATEGORY_LABELS[number.type.category]}")

    def _case_types(self, options: dict[str, Any]) -> None:
        table = case_types().values()
        if options["json"]:
            rows = [
                {"code": t.code, "name": t.name, "category": t.category.value,
                 "instance": t.instance.value, "source": t.source}
                for t in table
            ]  # fmt: skip
            self.stdout.write(json.dumps(rows, ensure_ascii=False))
            return
        for t in table:
            self.stdout.write(
                f"{t.code}\t{t.name}\t{CATEGORY_LABELS[t.category]}\t"
                f"{INSTANCE_LABELS[t.instance]}\t{t.period()}"
            )

    # ---- catalogues --------------------------------------------------------------------

    def _import_causes(self, options: dict[str, Any]) -> None:
        effective_to = options["effective_to"]
        try:
            result = cause_catalogue_import(
                actor=self._actor(options["actor"]),
                kind=options["kind"],
                path=options["file"],
                effective_from=_iso_date(options["effective_from"]),
                effective_to=_iso_date(effective_to) if effective_to else None,
                verified=not options["unverified"],
                source=options["source"] or f"imported from {options['file']}",
                title=options["title"],
                version=options["catalogue_version"],
            )
        except ValidationError as exc:
            raise CommandError(_describe(exc), returncode=BAD_INPUT) from exc
        except PermissionDenied as exc:
            raise CommandError(str(exc), returncode=BAD_INPUT) from exc
        verb = "imported" if result.created else "already imported, nothing changed"
        self.stdout.write(f"{verb}: {result.catalogue.label} ({result.causes} rows)")
        if result.closed is not None:
            self.stdout.write(f"closed: {result.closed.label}")

    def _actor(self, username: str | None) -> Any:
        if username is None:
            return None  # the system: an operator at the server's console
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"--actor: no user “{username}”", returncode=BAD_INPUT)
        return user


def _describe(error: ValidationError) -> str:
    """Every problem on its own line, field path first."""
    if not hasattr(error, "error_dict"):
        return "\n".join(error.messages)
    lines = [f"{field}: {message}" for field, messages in error.message_dict.items()
             for message in messages]  # fmt: skip
    return "the catalogue was not imported; nothing was stored:\n" + "\n".join(lines)
