"""The wheel carries every package and the rule files (pyproject lists packages by hand to map rules/ into it)."""

from __future__ import annotations

import tomllib
from pathlib import Path

from ehcp_qa import paths

ROOT = Path(__file__).resolve().parent.parent


def _setuptools() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]


def test_every_python_package_is_listed_for_the_wheel() -> None:
    on_disk = {".".join(init.parent.relative_to(ROOT).parts) for init in (ROOT / "ehcp_qa").rglob("__init__.py")}
    listed = set(_setuptools()["packages"])
    assert on_disk <= listed, f"add to [tool.setuptools] packages: {sorted(on_disk - listed)}"


def test_the_rule_files_go_into_the_wheel_where_paths_looks_for_them() -> None:
    config = _setuptools()
    assert config["package-dir"]["ehcp_qa.rules"] == "rules"
    assert "*.yaml" in config["package-data"]["ehcp_qa.rules"]
    # Running from the checkout (no ehcp_qa/rules folder), the top-level rules/ is used.
    assert paths.RULES_DIR == ROOT / "rules"
