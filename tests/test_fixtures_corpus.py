"""Checks on the fixture corpus itself (fixtures/): labels, sidecars, identifiers and bad inputs agree.

These do not test the reader or the segmenter; they make sure the expectations those tests use are sound.
"""

from __future__ import annotations

import json
import re
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from stdnum.gb import nhs, upn

from ehcp_qa.model import CATEGORIES as MODEL_CATEGORIES

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
PLANS = FIXTURES / "plans"
BAD = FIXTURES / "bad"
CONTENT = FIXTURES / "content"
SECTION_IDS = {"A", "B", "C", "D", "E", "F", "G", "H", "H1", "H2", "I", "J", "K"}
CATEGORIES = set(MODEL_CATEGORIES)
IDENTIFIER_KINDS = {
    "child_name",
    "child_first_name",
    "parent_name",
    "professional_name",
    "date_of_birth",
    "address",
    "postcode",
    "phone",
    "email",
    "nhs_number",
    "upn",
    "school",
}
# The layouts the primer says real templates use; the corpus must hold at least one file of each.
REQUIRED_LAYOUTS = {
    "lettered_headings",
    "upper_bold",
    "numbered",
    "child_friendly_lettered",
    "child_friendly_titles",
    "table_per_section",
    "ef_combined_table",
    "ef_sections_e_and_f_table",
    "h_one_section",
    "e_before_b",
    "missing_sections",
    "content_controls_tracked",
}
# A clone stays quick: each blind held-out set adds about 1 MiB (100 sets and the fixtures are ~70 MiB).
MAX_CORPUS_BYTES = 72 * 1024 * 1024
TEXT_KEYS = ("text", "p", "item", "sub")

SIDECARS = sorted([*PLANS.glob("*.json"), *BAD.glob("*.docx.json")])
PLAN_SIDECARS = [path for path in SIDECARS if json.loads(path.read_text(encoding="utf-8"))["layout"] != "not-a-plan"]
CONTENT_FILES = sorted(CONTENT.glob("*.yaml"))


def load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def section_sentences(sidecar: dict[str, Any], section: str) -> list[str]:
    return [sentence["text"] for sentence in sidecar["sentences"] if sentence["section"] == section]


def ids(paths: list[Path]) -> list[str]:
    return [path.name for path in paths]


def test_corpus_has_plans_and_content() -> None:
    assert len(CONTENT_FILES) >= 6
    assert len(PLAN_SIDECARS) >= 2 * len(CONTENT_FILES)


@pytest.mark.parametrize("path", SIDECARS, ids=ids(SIDECARS))
def test_sidecar_names_an_existing_file(path: Path) -> None:
    sidecar = load(path)
    assert path.name == f"{sidecar['file']}.json"
    assert (path.parent / sidecar["file"]).is_file()
    if "source" in sidecar:
        assert (path.parent / sidecar["source"]).is_file()


@pytest.mark.parametrize("path", PLAN_SIDECARS, ids=ids(PLAN_SIDECARS))
def test_sentences_are_non_empty_and_in_listed_sections(path: Path) -> None:
    sidecar = load(path)
    sections = sidecar["sections_expected"]
    assert sections and len(sections) == len(set(sections)) and set(sections) <= SECTION_IDS
    assert sidecar["sentences"]
    for sentence in sidecar["sentences"]:
        assert sentence["text"].strip() == sentence["text"] and sentence["text"]
        assert sentence["section"] in sections


@pytest.mark.parametrize("path", PLAN_SIDECARS, ids=ids(PLAN_SIDECARS))
def test_expected_evidence_is_inside_one_sentence_of_its_section(path: Path) -> None:
    sidecar = load(path)
    for finding in sidecar["expected_findings"]:
        assert finding["category"] in CATEGORIES
        assert finding["evidence"], finding
        sentences = section_sentences(sidecar, finding["section"])
        assert any(finding["evidence"] in sentence for sentence in sentences), finding


@pytest.mark.parametrize("path", PLAN_SIDECARS, ids=ids(PLAN_SIDECARS))
def test_must_not_flag_text_is_in_its_section_and_not_contradicted(path: Path) -> None:
    sidecar = load(path)
    for clean in sidecar["must_not_flag"]:
        assert clean["category"] in CATEGORIES
        assert clean["text"] in " ".join(section_sentences(sidecar, clean["section"])), clean
        contradicting = [
            finding
            for finding in sidecar["expected_findings"]
            if finding["category"] == clean["category"]
            and finding["section"] == clean["section"]
            and finding["evidence"] in clean["text"]
        ]
        assert not contradicting, (clean, contradicting)


@pytest.mark.parametrize("path", PLAN_SIDECARS, ids=ids(PLAN_SIDECARS))
def test_plan_labels_and_missing_sections_agree(path: Path) -> None:
    sidecar = load(path)
    for label in sidecar["plan_expect"]:
        assert label["category"] in CATEGORIES
        assert label["section"] is None or label["section"] in SECTION_IDS
        if label["category"] == "section-missing":
            assert label["section"] not in sidecar["sections_expected"]


@pytest.mark.parametrize("path", PLAN_SIDECARS, ids=ids(PLAN_SIDECARS))
def test_deleted_text_never_reaches_the_sentences(path: Path) -> None:
    sidecar = load(path)
    body = " ".join(sentence["text"] for sentence in sidecar["sentences"])
    for deleted in sidecar["absent_text"]:
        assert deleted not in body


@pytest.mark.parametrize("path", PLAN_SIDECARS, ids=ids(PLAN_SIDECARS))
def test_metadata_age_matches_the_dates(path: Path) -> None:
    meta = load(path)["metadata"]
    born = datetime.strptime(meta["date_of_birth"], "%d/%m/%Y").date()
    issued = datetime.strptime(meta["date_issued"], "%d/%m/%Y").date()
    requested = datetime.strptime(meta["date_of_request"], "%d/%m/%Y").date()
    assert requested < issued
    age = issued.year - born.year - ((issued.month, issued.day) < (born.month, born.day))
    assert meta["age"] == age


@pytest.mark.parametrize("path", SIDECARS, ids=ids(SIDECARS))
def test_identifiers_are_valid(path: Path) -> None:
    identifiers = load(path)["identifiers"]
    kinds = {item["kind"] for item in identifiers}
    assert kinds <= IDENTIFIER_KINDS
    for item in identifiers:
        if item["kind"] == "nhs_number":
            assert nhs.is_valid(item["value"]), "NHS number fails the mod-11 check"
        if item["kind"] == "upn":
            assert upn.is_valid(item["value"]), "UPN fails its check letter"


def docx_visible_text(path: Path) -> str:
    """w:t text of body, headers and footers (not w:delText): enough to see that a value is in the file."""
    with zipfile.ZipFile(path) as archive:
        parts = [name for name in archive.namelist() if re.fullmatch(r"word/(document|header\d*|footer\d*)\.xml", name)]
        xml = "".join(archive.read(name).decode("utf-8") for name in parts)
    paragraphs = re.findall(r"<w:p[ >].*?</w:p>", xml, flags=re.S)
    return "\n".join("".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", p)) for p in paragraphs).replace("&amp;", "&")


DOCX_SIDECARS = [path for path in SIDECARS if path.name.endswith(".docx.json")]


@pytest.mark.parametrize("path", DOCX_SIDECARS, ids=ids(DOCX_SIDECARS))
def test_identifiers_listed_are_in_the_file_and_plan_ids_are_complete(path: Path) -> None:
    sidecar = load(path)
    text = docx_visible_text(path.parent / sidecar["file"])
    for item in sidecar["identifiers"]:
        assert item["value"] in text, item["kind"]
    for deleted in sidecar["absent_text"]:
        assert deleted not in text
    if sidecar["layout"] != "not-a-plan":
        kinds = {item["kind"] for item in sidecar["identifiers"]}
        assert {"child_name", "date_of_birth", "nhs_number", "upn", "postcode"} <= kinds


def test_every_required_layout_is_present_and_most_have_pdfs() -> None:
    layouts = {load(path)["layout"] for path in PLAN_SIDECARS}
    assert layouts >= REQUIRED_LAYOUTS
    pdf_layouts = {load(path)["layout"] for path in PLAN_SIDECARS if path.name.endswith(".pdf.json")}
    assert len(pdf_layouts) >= len(REQUIRED_LAYOUTS) - 2


def test_long_plan_is_about_forty_pages() -> None:
    sidecar = load(PLANS / "long_40_pages.pdf.json")
    assert 38 <= sidecar["page_count"] <= 42
    assert (PLANS / "long_40_pages.docx").is_file()


def test_bad_inputs_exist_with_expected_messages() -> None:
    expected = json.loads((BAD / "expected.json").read_text(encoding="utf-8"))
    assert len(expected["errors"]) >= 8 and expected["not_a_plan"]
    for name, phrase in [*expected["errors"].items(), *expected["not_a_plan"].items()]:
        assert (BAD / name).is_file(), name
        assert phrase.strip()
    assert (BAD / "zip_bomb.docx").stat().st_size < 1_000_000
    with zipfile.ZipFile(BAD / "zip_bomb.docx") as bomb:
        assert sum(info.file_size for info in bomb.infolist()) > 100_000_000
    assert (BAD / "password_protected.docx").read_bytes()[:8] == bytes.fromhex("d0cf11e0a1b11ae1")


def test_corpus_stays_small() -> None:
    total = sum(path.stat().st_size for path in FIXTURES.rglob("*") if path.is_file())
    assert total < MAX_CORPUS_BYTES


def content_texts(node: Any) -> list[dict[str, Any]]:
    """Every labelled-or-not text entry in a content file, wherever it sits (sections or rows)."""
    found: list[dict[str, Any]] = []
    if isinstance(node, dict):
        if sum(key in node for key in TEXT_KEYS) == 1 and isinstance(
            next(node[key] for key in TEXT_KEYS if key in node), str
        ):
            found.append(node)
        for value in node.values():
            found.extend(content_texts(value))
    elif isinstance(node, list):
        for value in node:
            found.extend(content_texts(value))
    return found


@pytest.mark.parametrize("path", CONTENT_FILES, ids=ids(CONTENT_FILES))
def test_content_labels_point_at_their_own_words(path: Path) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for entry in content_texts(data):
        body = " ".join(next(entry[key] for key in TEXT_KEYS if key in entry).split())
        for label in entry.get("expect") or []:
            assert label["category"] in CATEGORIES
            assert label["evidence"] in body, label
        for clean in entry.get("clean") or []:
            category = clean if isinstance(clean, str) else clean["category"]
            assert category in CATEGORIES
            assert isinstance(clean, str) or clean["text"] in body
    for label in data.get("plan_expect") or []:
        assert label["category"] in CATEGORIES
