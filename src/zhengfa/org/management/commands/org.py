"""``zhengfa org import-divisions FILE.csv``, ``zhengfa org import-grids FILE.geojson``
and ``zhengfa org token USERNAME`` (an API token, printed once).

Both load all or nothing: on any bad row or feature they print every problem (the row
or feature, the field, the accepted form), exit with status 2 and store nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhengfa.org.importers import read_divisions_csv, read_geojson
from zhengfa.org.models import User
from zhengfa.org.services import ImportResult, divisions_import, grids_import
from zhengfa.org.tokens import token_issue

USAGE_ERROR = 2


class Command(BaseCommand):
    help = "Load a real city's divisions (CSV) or grids (GeoJSON), all or nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        divisions = sub.add_parser(
            "import-divisions", help="CSV with the header code,name,level,parent_code"
        )
        divisions.add_argument("file", type=Path)
        grids = sub.add_parser(
            "import-grids",
            help="GeoJSON FeatureCollection; properties code, name, region_code; "
            "Polygon or MultiPolygon geometry",
        )
        grids.add_argument("file", type=Path)
        token = sub.add_parser("token", help="make an API token for USERNAME (shown once)")
        token.add_argument("username")
        token.add_argument("--label", default="cli", help="what the token is for")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "token":
            self.stdout.write(_token(options["username"], options["label"]))
            return
        text = _read(options["file"])
        if options["action"] == "import-divisions":
            result = _load(lambda: divisions_import(actor=None, rows=read_divisions_csv(text)))
            noun = "regions"
        else:
            result = _load(lambda: grids_import(actor=None, features=read_geojson(text)))
            noun = "grids"
        self.stdout.write(f"{noun}: {result.created} created, {result.updated} updated")


def _token(username: str, label: str) -> str:
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(
            f"username: no active user {username!r}; accepted: an existing username",
            returncode=USAGE_ERROR,
        )
    return token_issue(actor=None, user=user, label=label)


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise CommandError(
            f"file: cannot read {path} as UTF-8 text ({e})", returncode=USAGE_ERROR
        ) from e


def _load(load: Callable[[], ImportResult]) -> ImportResult:
    try:
        return load()
    except ValidationError as e:
        lines = [
            f"{field}: {message}" for field, msgs in e.message_dict.items() for message in msgs
        ]
        raise CommandError(
            "nothing was imported:\n  " + "\n  ".join(lines), returncode=USAGE_ERROR
        ) from e
