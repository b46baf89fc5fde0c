"""Share of labelled sentences that land in their section, per plan, for each labelled corpus.

Usage: python bench/segmentation.py [FOLDER ...]   (default: fixtures/plans and fixtures/holdout/plans)
Prints, per plan, sentences placed / total and the sections of misplaced ones (never their text).
"""

from __future__ import annotations

import sys
from pathlib import Path

from ehcp_qa.corpus import iter_labelled, score_segmentation
from ehcp_qa.errors import InputError
from ehcp_qa.pipeline import read_plan

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_FOLDERS = (ROOT / "fixtures" / "plans", ROOT / "fixtures" / "holdout" / "plans")


def main(folders: list[Path]) -> int:
    for folder in folders:
        total = placed = 0
        print(f"== {folder.relative_to(ROOT) if folder.is_relative_to(ROOT) else folder}")
        for labelled in iter_labelled(folder):
            try:
                plan = read_plan(labelled.plan_file)
            except InputError as error:
                print(f"  {labelled.plan_file.name}: unreadable: {error}")
                continue
            score = score_segmentation(plan, labelled.sidecar)
            total, placed = total + score.sentences, placed + score.placed
            wrong = ", ".join(f"{exp}->{got}" for exp, got, _ in score.misplaced[:8])
            print(f"  {score.file:<45} {score.placed:>4}/{score.sentences:<4} {score.share:6.1%}  {wrong}")
        if total:
            print(f"  ALL {placed}/{total} = {placed / total:.1%}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main([Path(a) for a in sys.argv[1:]] or list(DEFAULT_FOLDERS)))
