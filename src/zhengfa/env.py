"""Typed settings from the environment that fail loudly on a bad value.

Every variable is documented in docs/configuration.md. A secret may also come from
``NAME_FILE`` (a path), so it never has to sit in the process environment.
"""

from __future__ import annotations

import os
from pathlib import Path


class ConfigError(ValueError):
    """A setting in the environment has a value we cannot use."""


def env_str(name: str, default: str | None = None) -> str | None:
    file_path = os.environ.get(f"{name}_FILE")
    if file_path:
        return Path(file_path).read_text(encoding="utf-8").strip()
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off", ""}:
        return False
    raise ConfigError(f"{name}={raw!r}: expected one of 1/0, true/false, yes/no, on/off")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name}={raw!r}: expected a whole number") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def var_dir() -> Path:
    """Where the embedded database, uploads and imported calendars live (``var/``)."""
    return Path(os.environ.get("ZHENGFA_VAR_DIR") or Path.cwd() / "var").resolve()
