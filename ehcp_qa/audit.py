"""Dip-sample audit: collect plan files, draw a reproducible (optionally stratified) sample, check the sampled
plans in parallel, and write the audit workbook (and CSV / JSON lines for dashboards).

The sample depends only on the set of files, the sample size, the strata and the seed: candidate files are sorted
before sampling, so the same seed gives the same sample whatever order the file system lists them in.
"""

from __future__ import annotations

import csv
import os
import random
import sys
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, TypeVar

from ehcp_qa.errors import InputError, RuleError

if TYPE_CHECKING:
    from ehcp_qa.pipeline import CheckResult

PLAN_SUFFIXES = (".docx", ".pdf")
METADATA_FIELDS = ("year_group", "phase")  # stratify fields read from the plans themselves
FILE_COLUMNS = ("file", "filename", "file name", "path", "plan", "document")  # how cases.csv names the plan
UNKNOWN = "unknown"
_MAX_SEED = 999_999  # a seed short enough to read out in a meeting and type back in

R = TypeVar("R")


@dataclass(frozen=True)
class AuditedPlan:
    file: str  # path relative to the folders audited: how the workbook names the plan
    stratum: str | None
    result: CheckResult


@dataclass(frozen=True)
class Unreadable:
    file: str
    reason: str  # one line, never the plan's words


@dataclass(frozen=True)
class Stratum:
    name: str
    population: int
    sampled: int


@dataclass(frozen=True)
class Sampling:
    population: int  # plan files found
    sample_size: int  # plan files drawn (all of them when no sample was asked for)
    requested: int | None
    seed: int | None  # None only when every file was taken
    stratify: str | None
    cases_csv: str | None
    strata: tuple[Stratum, ...] = ()


@dataclass(frozen=True)
class AuditResult:
    out: Path
    sampling: Sampling
    plans: tuple[AuditedPlan, ...]  # in sample order
    unreadable: tuple[Unreadable, ...]
    csv_out: Path | None = None
    jsonl_out: Path | None = None


class RuleLike(Protocol):
    code: str
    name: str
    sections: Sequence[str]


# ---------------------------------------------------------------------------------------------- files


def collect_plan_files(paths: Sequence[Path]) -> list[Path]:
    """Files named outright, and .docx/.pdf files found under folders (recursively), sorted, without repeats.

    Word's lock files (~$name.docx) are skipped. A path that does not exist is a usage error.
    """
    found: set[Path] = set()
    for path in paths:
        if path.is_dir():
            found.update(p for p in path.rglob("*") if _is_plan_file(p))
        elif path.is_file():
            found.add(path)
        else:
            raise InputError(f"{path}: no such file or folder")
    if not found:
        raise InputError(f"no .docx or .pdf plans found in {', '.join(str(p) for p in paths)}")
    return sorted({p.resolve() for p in found}, key=str)


def _is_plan_file(path: Path) -> bool:
    return path.is_file() and path.suffix.lower() in PLAN_SUFFIXES and not path.name.startswith("~$")


def display_names(files: Sequence[Path]) -> dict[Path, str]:
    """Each file's path relative to the folder that holds them all: short, and unique."""
    root = Path(os.path.commonpath([f.parent for f in files]))
    return {f: f.relative_to(root).as_posix() for f in files}


# ---------------------------------------------------------------------------------------------- strata


def phase_of(year_group: int | None) -> str:
    """The school phase of a National Curriculum year (Reception = 0)."""
    if year_group is None:
        return UNKNOWN
    if year_group < 0:
        return "Early years"
    if year_group <= 6:
        return "Primary"
    if year_group <= 11:
        return "Secondary"
    if year_group <= 13:
        return "Post-16"
    return "Post-19"


def year_label(year_group: int | None) -> str:
    if year_group is None:
        return UNKNOWN
    if year_group < 0:
        return "Nursery"
    return "Reception" if year_group == 0 else f"Year {year_group:02d}"


def read_cases(path: Path, field: str) -> dict[str, str]:
    """cases.csv as file name (lower case) -> the value of `field`.

    The file column is the first of FILE_COLUMNS the header has; column names match without regard to case.
    """
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            header = {name.strip().lower(): name for name in reader.fieldnames or ()}
            file_column = next((header[c] for c in FILE_COLUMNS if c in header), None)
            if file_column is None:
                raise InputError(f"{path}: needs a column naming the plan file ({', '.join(FILE_COLUMNS)})")
            field_column = header.get(field.strip().lower())
            if field_column is None:
                raise InputError(f"{path}: no column '{field}' (columns: {', '.join(header)})")
            cases: dict[str, str] = {}
            for row in reader:
                name = Path((row.get(file_column) or "").strip().replace("\\", "/")).name.lower()
                if name:
                    cases.setdefault(name, (row.get(field_column) or "").strip() or UNKNOWN)
            return cases
    except OSError as error:
        raise InputError(f"{path}: cannot read the cases file ({error.strerror})") from None
    except (UnicodeDecodeError, csv.Error):
        raise InputError(f"{path}: not a UTF-8 CSV file") from None


def allocate(sizes: Mapping[str, int], sample: int) -> dict[str, int]:
    """Proportional allocation by largest remainder (Hamilton); ties go to the stratum named first."""
    population = sum(sizes.values())
    quotas = {name: sample * size / population for name, size in sizes.items()}
    counts = {name: int(quota) for name, quota in quotas.items()}
    by_remainder = sorted(sizes, key=lambda name: (-(quotas[name] - counts[name]), name))
    for name in by_remainder[: sample - sum(counts.values())]:
        counts[name] += 1
    return counts


def draw_sample(
    files: Sequence[Path], sample: int | None, seed: int, strata: Mapping[Path, str] | None = None
) -> tuple[list[Path], tuple[Stratum, ...]]:
    """The sampled files (grouped by stratum, sorted within it) and the strata's sizes.

    With no sample size every file is taken. Files are sorted first and strata visited by name, so the result
    depends only on the arguments.
    """
    ordered = sorted(files, key=str)
    groups: dict[str, list[Path]] = defaultdict(list)
    for file in ordered:
        groups[strata[file] if strata else ""].append(file)
    size = len(ordered) if sample is None else min(sample, len(ordered))
    counts = allocate({name: len(members) for name, members in groups.items()}, size)
    rng = random.Random(seed)
    chosen: list[Path] = []
    for name in sorted(groups):
        chosen += sorted(rng.sample(groups[name], counts[name]), key=str)
    summary = tuple(Stratum(name, len(groups[name]), counts[name]) for name in sorted(groups)) if strata else ()
    return chosen, summary


# ---------------------------------------------------------------------------------------------- workers


def _check_or_reason(check: Callable[[Path], CheckResult], path: Path) -> CheckResult | str:
    """Check one file; a file that cannot be read gives its one-line reason instead of stopping the audit."""
    try:
        return check(path)
    except RuleError:
        raise  # a broken rule file breaks every plan: stop the audit
    except InputError as error:
        return _one_line(str(error)) or "cannot be read"
    except MemoryError:
        return "ran out of memory reading the file"
    except Exception as error:  # one bad file must not stop a batch
        # The exception's text may quote the plan: record only its type.
        return f"internal error ({type(error).__name__})"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _year_group(path: Path) -> int | str | None:
    """The plan's year group (None when it does not say), or why the file cannot be read."""
    from ehcp_qa.pipeline import read_plan

    plan = _check_or_reason(read_plan, path)
    return plan if isinstance(plan, str) else plan.metadata.year_group


def _run_all(function: Callable[[Path], R], items: Sequence[Path], jobs: int, label: str) -> list[R]:
    """function(item) for every item, across `jobs` processes, results in the items' order."""
    with _progress(label, len(items)) as advance:
        if jobs <= 1 or len(items) <= 1:
            results = []
            for item in items:
                results.append(function(item))
                advance()
            return results
        with ProcessPoolExecutor(max_workers=min(jobs, len(items))) as pool:
            futures = [pool.submit(function, item) for item in items]
            for _ in as_completed(futures):
                advance()
            return [future.result() for future in futures]


@contextmanager
def _progress(label: str, total: int) -> Iterator[Callable[[], None]]:
    """A progress bar on stderr, only when stderr is a terminal (never into a pipe or a log file).

    It counts plans and never names them: file names often hold the child's name.
    """
    if not sys.stderr.isatty():
        yield lambda: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(label, total=total)
        yield lambda: bar.advance(task)


# ---------------------------------------------------------------------------------------------- audit


def run_audit(
    paths: Sequence[Path],
    out: Path,
    *,
    sample: int | None = None,
    seed: int | None = None,
    stratify: str | None = None,
    cases_csv: Path | None = None,
    csv_out: Path | None = None,
    jsonl_out: Path | None = None,
    jobs: int | None = None,
    criteria: Mapping[str, Sequence[str]] | None = None,
    check: Callable[[Path], CheckResult] | None = None,
) -> AuditResult:
    """Sample, check and write the audit workbook (and CSV / JSON lines when asked); returns what was done.

    `criteria` maps a section id to the names of the rules checked in it (see criteria_by_section). `check`
    defaults to pipeline.check_file; it runs in worker processes, so it must be picklable (a module-level
    function or a functools.partial of one).
    """
    from ehcp_qa.report.csv import write_csv, write_jsonl
    from ehcp_qa.report.xlsx import write_workbook

    if sample is not None and sample < 1:
        raise InputError("--sample must be 1 or more")
    if stratify and sample is None:
        raise InputError("--stratify needs --sample")
    files = collect_plan_files(paths)
    outputs = [p for p in (out, csv_out, jsonl_out) if p is not None]
    if any(p.resolve() in files for p in outputs):
        raise InputError("refusing to write the audit over one of the plans")
    workers = jobs if jobs is not None else (os.cpu_count() or 1)
    if seed is None and sample is not None:
        seed = random.SystemRandom().randint(1, _MAX_SEED)
    if check is None:
        from ehcp_qa.pipeline import bundled_rules_and_scoring, check_file

        # Load (and so validate) the rules here, before any plan is read: a broken rule file stops the audit at
        # once, and worker processes forked from here start with the rules and language pipeline already built.
        bundled_rules_and_scoring()
        check = check_file

    strata, found_unreadable = _strata(files, stratify, cases_csv, workers) if stratify else (None, {})
    readable = [f for f in files if f not in found_unreadable]
    chosen, strata_summary = draw_sample(readable, sample, seed or 0, strata)
    outcomes = _run_all(partial(_check_or_reason, check), chosen, workers, "Checking plans")

    names = display_names(files)
    plans: list[AuditedPlan] = []
    unreadable = [Unreadable(names[f], reason) for f, reason in found_unreadable.items()]
    for file, outcome in zip(chosen, outcomes, strict=True):
        if isinstance(outcome, str):
            unreadable.append(Unreadable(names[file], outcome))
        else:
            plans.append(AuditedPlan(names[file], strata[file] if strata else None, outcome))
    sampling = Sampling(
        population=len(files),
        sample_size=len(chosen),
        requested=sample,
        seed=seed if sample is not None else None,
        stratify=stratify,
        cases_csv=str(cases_csv) if cases_csv else None,
        strata=strata_summary,
    )
    result = AuditResult(out, sampling, tuple(plans), tuple(unreadable), csv_out, jsonl_out)
    write_workbook(out, result, criteria or {})
    if csv_out:
        write_csv(csv_out, result)
    if jsonl_out:
        write_jsonl(jsonl_out, result)
    return result


def _strata(
    files: Sequence[Path], field: str, cases_csv: Path | None, jobs: int
) -> tuple[dict[Path, str], dict[Path, str]]:
    """Each file's stratum, and the files found unreadable on the way (with why).

    Strata come from cases.csv when it has the column, else from the plans' year groups: reading the plans for
    those finds the unreadable ones, which are then left out of the sample and listed instead.
    """
    wanted = field.strip().lower()
    if cases_csv is not None and (wanted not in METADATA_FIELDS or wanted in _csv_columns(cases_csv)):
        cases = read_cases(cases_csv, field)
        return {f: cases.get(f.name.lower(), "(not in cases file)") for f in files}, {}
    if wanted not in METADATA_FIELDS:
        raise InputError(f"--stratify {field}: use year_group, phase or a column of the --cases file")
    year_groups = _run_all(_year_group, files, jobs, "Reading year groups")
    label = phase_of if wanted == "phase" else year_label
    strata = {f: label(year) for f, year in zip(files, year_groups, strict=True) if not isinstance(year, str)}
    return strata, {f: year for f, year in zip(files, year_groups, strict=True) if isinstance(year, str)}


def _csv_columns(cases_csv: Path) -> set[str]:
    try:
        with cases_csv.open(newline="", encoding="utf-8-sig") as handle:
            return {name.strip().lower() for name in next(csv.reader(handle), [])}
    except (OSError, UnicodeDecodeError, csv.Error):
        return set()  # read_cases reports the problem when the file is used


def criteria_by_section(rules: Iterable[RuleLike]) -> dict[str, list[str]]:
    """Section id -> "CODE name" of each rule that checks it, for the audit sheets' "criteria checked" column."""
    criteria: dict[str, list[str]] = defaultdict(list)
    for rule in rules:
        for section_id in rule.sections:
            criterion = f"{rule.code} {rule.name}"
            if criterion not in criteria[section_id]:
                criteria[section_id].append(criterion)
    return dict(criteria)
