"""A council's settings: found like ruff finds its own, validated, with errors naming the file and the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from ehcp_qa.config import Config, load_config
from ehcp_qa.errors import RuleError
from ehcp_qa.model import Severity


def test_no_settings_file_gives_the_defaults(tmp_path: Path) -> None:
    assert load_config(tmp_path) == Config()


def test_pyproject_tool_table_is_read(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.ehcp-qa]\ndisable = ["PRV003"]\n\n[tool.ehcp-qa.severity]\nOUT002 = "error"\n', encoding="utf-8"
    )
    config = load_config(tmp_path)
    assert config.disable == ("PRV003",)
    assert dict(config.severity) == {"OUT002": Severity.ERROR}
    assert config.source == (tmp_path / "pyproject.toml").resolve()


def test_own_file_wins_over_pyproject_in_the_same_folder(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.ehcp-qa]\ndisable = ["PRV003"]\n', encoding="utf-8")
    (tmp_path / "ehcp-qa.toml").write_text('disable = ["JAR001"]\n', encoding="utf-8")
    assert load_config(tmp_path).disable == ("JAR001",)


def test_found_from_a_plan_file_in_a_subfolder(tmp_path: Path) -> None:
    (tmp_path / "ehcp-qa.toml").write_text('[severity]\nMED001 = "info"\n', encoding="utf-8")
    folder = tmp_path / "plans" / "2025"
    folder.mkdir(parents=True)
    plan = folder / "plan.docx"
    plan.write_bytes(b"")
    assert dict(load_config(plan).severity) == {"MED001": Severity.INFO}


def test_pyproject_without_our_table_is_skipped_on_the_way_up(tmp_path: Path) -> None:
    (tmp_path / "ehcp-qa.toml").write_text('disable = ["OUT004"]\n', encoding="utf-8")
    inner = tmp_path / "project"
    inner.mkdir()
    (inner / "pyproject.toml").write_text("[tool.ruff]\nline-length = 100\n", encoding="utf-8")
    assert load_config(inner).disable == ("OUT004",)


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ('disable = "PRV003"\n', "disable"),
        ('disable = ["prv3"]\n', "disable[0]"),
        ('[severity]\nOUT002 = "fatal"\n', "severity.OUT002"),
        ('[severity]\nout2 = "error"\n', "severity.out2"),
        ('disabled = ["PRV003"]\n', "disabled"),
        ("disable = [\n", "TOML"),
    ],
)
def test_invalid_settings_name_the_file_and_field(tmp_path: Path, text: str, field: str) -> None:
    (tmp_path / "ehcp-qa.toml").write_text(text, encoding="utf-8")
    with pytest.raises(RuleError) as error:
        load_config(tmp_path)
    assert "ehcp-qa.toml" in str(error.value)
    assert field in str(error.value)
