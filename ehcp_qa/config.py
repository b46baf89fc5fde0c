"""A council's own choices: rules turned off and severities changed, from ehcp-qa.toml or pyproject.toml.

Found like ruff finds its settings: from the starting folder upwards, the first `ehcp-qa.toml` (keys at the top
level) or `pyproject.toml` with a `[tool.ehcp-qa]` table wins.

    [tool.ehcp-qa]
    disable = ["PRV003"]

    [tool.ehcp-qa.severity]
    OUT002 = "error"

Rule codes are checked against the rules when they are loaded (engine.load_rules): an unknown code is an error,
so a typo cannot silently leave a rule on.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from ehcp_qa.errors import RuleError
from ehcp_qa.model import Severity

CONFIG_FILE = "ehcp-qa.toml"
PYPROJECT_FILE = "pyproject.toml"
TOOL_KEY = "ehcp-qa"
RULE_CODE = re.compile(r"^[A-Z]{3}\d{3}$")
_KEYS = ("disable", "severity")


@dataclass(frozen=True)
class Config:
    disable: tuple[str, ...] = ()
    severity: Mapping[str, Severity] = field(default_factory=lambda: MappingProxyType({}))
    source: Path | None = None  # the file the settings came from; None for the defaults


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise RuleError(f"{path}: cannot be read as TOML ({type(error).__name__})") from None


def _code(value: object, path: Path, where: str) -> str:
    if not isinstance(value, str) or not RULE_CODE.match(value):
        raise RuleError(f"{path}: {where} must be a rule code such as OUT001")
    return value


def parse_config(table: Mapping[str, Any], path: Path) -> Config:
    """Validate one settings table; `path` names the file in error messages."""
    unknown = sorted(set(table) - set(_KEYS))
    if unknown:
        raise RuleError(f"{path}: unknown setting '{unknown[0]}' (known: {', '.join(_KEYS)})")
    disable = table.get("disable", [])
    if not isinstance(disable, list):
        raise RuleError(f"{path}: disable must be a list of rule codes")
    codes = tuple(_code(value, path, f"disable[{position}]") for position, value in enumerate(disable))
    severity_table = table.get("severity", {})
    if not isinstance(severity_table, Mapping):
        raise RuleError(f'{path}: severity must be a table of rule code = "error" | "warning" | "info"')
    severities: dict[str, Severity] = {}
    for code, level in severity_table.items():
        _code(code, path, f"severity.{code}")
        if level not in {str(member) for member in Severity}:
            raise RuleError(f'{path}: severity.{code} must be "error", "warning" or "info"')
        severities[code] = Severity(level)
    return Config(disable=codes, severity=MappingProxyType(severities), source=path)


def load_config(start: Path) -> Config:
    """The settings that apply to `start` (a file or folder); the defaults when no file sets any."""
    folder = start.resolve()
    if not folder.is_dir():
        folder = folder.parent
    for directory in (folder, *folder.parents):
        own_file = directory / CONFIG_FILE
        if own_file.is_file():
            return parse_config(_read_toml(own_file), own_file)
        pyproject = directory / PYPROJECT_FILE
        if pyproject.is_file():
            tool = _read_toml(pyproject).get("tool", {})
            if isinstance(tool, Mapping) and TOOL_KEY in tool:
                table = tool[TOOL_KEY]
                if not isinstance(table, Mapping):
                    raise RuleError(f"{pyproject}: [tool.{TOOL_KEY}] must be a table")
                return parse_config(table, pyproject)
    return Config()
