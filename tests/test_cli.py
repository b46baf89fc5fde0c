"""The command line as a user meets it: exit codes, one-line errors, the JSON contract, untouched inputs."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from ehcp_qa.cli import main
from ehcp_qa.model import CATEGORIES as MODEL_CATEGORIES

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
BAD = FIXTURES / "bad"
BAD_EXPECTED: dict[str, str] = json.loads((BAD / "expected.json").read_text(encoding="utf-8"))["errors"]
SAMPLE = FIXTURES / "plans" / "lettered_headings__lily.docx"
CATEGORIES = set(MODEL_CATEGORIES)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("name", sorted(BAD_EXPECTED))
def test_bad_input_exits_2_with_one_clear_line(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    path = BAD / name
    before = digest(path)
    assert main(["check", str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1 and "Traceback" not in err
    assert BAD_EXPECTED[name] in err
    assert name in err  # says which file
    assert digest(path) == before


def test_missing_file_and_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sections", str(tmp_path / "nope.docx")]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert main(["check", str(tmp_path)]) == 2
    assert "folder" in capsys.readouterr().err


def test_bad_usage_exits_2() -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["check"])
    assert stopped.value.code == 2


def test_json_report_follows_the_contract(capsys: pytest.CaptureFixture[str]) -> None:
    before = digest(SAMPLE)
    code = main(["check", str(SAMPLE), "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    assert report["schema"] == "ehcp-qa/1"
    assert report["file"].endswith(SAMPLE.name)
    ids = [s["id"] for s in report["sections"]]
    assert ids == ["A", "B", "C", "D", "E", "F", "G", "H1", "H2", "I", "J", "K"]
    for section in report["sections"]:
        assert section["text"] == "\n".join(b["text"] for b in section["blocks"])
        assert all("index" in b["location"] for b in section["blocks"])
    assert report["findings"], "the sample plan has faults on purpose"
    texts = {s["id"]: s["text"] for s in report["sections"]}
    for finding in report["findings"]:
        assert finding["category"] in CATEGORIES
        assert set(finding) == {"rule", "category", "section", "severity", "message", "evidence", "location",
                                "suggestion"}  # fmt: skip
        if finding["evidence"] and finding["section"] in texts:
            assert finding["evidence"] in texts[finding["section"]]  # the plan's exact words
    assert report["score"]["grade"] in {"Outstanding", "Good", "Requires improvement", "Inadequate"}
    has_error = any(f["severity"] == "error" for f in report["findings"])
    assert code == (1 if has_error else 0)
    assert digest(SAMPLE) == before


def test_error_severity_from_config_sets_exit_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["check", str(SAMPLE), "--format", "json"])
    rule = json.loads(capsys.readouterr().out)["findings"][0]["rule"]
    config = tmp_path / "ehcp-qa.toml"
    config.write_text(f'[severity]\n{rule} = "error"\n', encoding="utf-8")
    assert main(["check", str(SAMPLE), "--config", str(config)]) == 1
    assert "error" in capsys.readouterr().out
    config.write_text(f'disable = ["{rule}"]\n', encoding="utf-8")
    main(["check", str(SAMPLE), "--format", "json", "--config", str(config)])
    assert rule not in {f["rule"] for f in json.loads(capsys.readouterr().out)["findings"]}


def test_letter_is_not_a_plan(capsys: pytest.CaptureFixture[str]) -> None:
    main(["check", str(FIXTURES / "plans" / "letter_not_a_plan.docx"), "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    assert report["sections"] == []
    assert [f["category"] for f in report["findings"]] == ["not-a-plan"]


def test_sections_command_lists_titles_as_written(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sections", str(FIXTURES / "holdout" / "plans" / "h02_ashbridge_questions.docx")]) == 0
    out = capsys.readouterr().out
    assert "What help will I get at school? (F)" in out
    assert "F  " in out


def test_text_report_groups_findings_by_section(capsys: pytest.CaptureFixture[str]) -> None:
    main(["check", str(SAMPLE)])
    out = capsys.readouterr().out
    assert "Overall grade:" in out
    assert out.index("[C]") < out.index("MED") < out.index("[D]")


def test_report_is_never_written_over_the_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    copy = tmp_path / SAMPLE.name
    copy.write_bytes(SAMPLE.read_bytes())
    assert main(["check", str(copy), "-o", str(copy)]) == 2
    assert "refusing" in capsys.readouterr().err
    assert digest(copy) == digest(SAMPLE)


def test_python_m_runs_the_cli() -> None:
    done = subprocess.run([sys.executable, "-m", "ehcp_qa", "--version"], capture_output=True, text=True, check=False)
    assert done.returncode == 0 and done.stdout.startswith("ehcp-qa ")
