"""Labelled plan corpora (fixtures/plans, fixtures/holdout/plans): load sidecars, measure segmentation.

A sidecar is a JSON file beside a plan naming it in "file" and listing every body sentence with the section it
belongs to (see fixtures/README.md). Used by the tests and by bench/segmentation.py; never by the tool itself.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ehcp_qa.model import Plan

_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


def squash(text: str) -> str:
    """Letters and digits only: PDF text may break words, hyphens and spaces differently from the source."""
    return _NOT_ALNUM.sub("", text.lower().replace("\ufffe", ""))


@dataclass(frozen=True)
class Labelled:
    plan_file: Path
    sidecar: dict


def iter_labelled(folder: Path) -> Iterator[Labelled]:
    """Every sidecar in the folder whose plan file exists, sorted by file name."""
    for sidecar_path in sorted(folder.glob("*.json")):
        sidecar = json.loads(sidecar_path.read_text(encoding="utf-8"))
        if not isinstance(sidecar, dict) or "file" not in sidecar or "sentences" not in sidecar:
            continue
        plan_file = folder / sidecar["file"]
        if plan_file.exists():
            yield Labelled(plan_file=plan_file, sidecar=sidecar)


def _holds(text: str, squashed_sentence: str) -> bool:
    return squashed_sentence in squash(text)


def expected_sections(expected: str) -> tuple[str, ...]:
    """The sections a sentence may rightly land in: an H1/H2 sentence is also right in an undivided H."""
    return (expected, "H") if expected in ("H1", "H2") else (expected,)


def section_of(plan: Plan, sentence: str, expected: str) -> str | None:
    """The expected section when it holds the sentence; else the first that does, "preamble", or None."""
    target = squash(sentence)
    ordered = sorted(plan.sections, key=lambda s: s.id not in expected_sections(expected))
    for section in ordered:
        if _holds(section.text, target):
            return section.id
    if _holds(" ".join(b.text for b in plan.preamble), target):
        return "preamble"
    return None


@dataclass(frozen=True)
class SegmentationScore:
    file: str
    sentences: int
    placed: int
    misplaced: tuple[tuple[str, str, str | None], ...]  # (expected section, found section, sentence's first word)

    @property
    def share(self) -> float:
        return self.placed / self.sentences if self.sentences else 1.0


def score_segmentation(plan: Plan, sidecar: dict) -> SegmentationScore:
    misplaced = []
    placed = 0
    for item in sidecar["sentences"]:
        found = section_of(plan, item["text"], item["section"])
        if found in expected_sections(item["section"]):
            placed += 1
        else:
            misplaced.append((item["section"], found or "-", (item["text"].split() or ["?"])[0]))
    return SegmentationScore(sidecar["file"], len(sidecar["sentences"]), placed, tuple(misplaced))
