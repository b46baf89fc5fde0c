"""The command line: parse arguments, call the library, choose the exit code. Nothing else lives here.

Exit codes, as linters use them: 0 checked with no error-severity finding; 1 checked with error findings;
2 the input could not be read or the command was wrong (one line on stderr, never a traceback).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ehcp_qa import __version__
from ehcp_qa.errors import InputError, RuleError
from ehcp_qa.model import Severity

if TYPE_CHECKING:
    from ehcp_qa.engine import RuleSet

EXIT_CLEAN, EXIT_FINDINGS, EXIT_UNREADABLE = 0, 1, 2


def _write(text: str, out: Path | None, sources: Sequence[Path] = ()) -> None:
    if out is None:
        sys.stdout.write(text)
        return
    if any(out.resolve() == source.resolve() for source in sources):
        raise InputError(f"{out.name}: refusing to write the report over an input file")
    out.write_text(text, encoding="utf-8")


def _ruleset(args: argparse.Namespace) -> RuleSet:
    # Imported here, as in every command, so `--help` and bad usage answer without loading spaCy.
    from ehcp_qa.config import load_config
    from ehcp_qa.engine import load_rules

    config = load_config(args.config if args.config else Path.cwd())
    return load_rules(args.rules, config)


def cmd_sections(args: argparse.Namespace) -> int:
    from ehcp_qa.pipeline import read_plan
    from ehcp_qa.report.text import render_sections

    _write(render_sections(read_plan(args.file)), None)
    return EXIT_CLEAN


def cmd_check(args: argparse.Namespace) -> int:
    from ehcp_qa.pipeline import check_plan, read_plan
    from ehcp_qa.score import load_scoring

    plan = read_plan(args.file)
    result = check_plan(plan, _ruleset(args), load_scoring(args.scoring))
    if args.format == "json":
        from ehcp_qa.report.json import render_json as render
    elif args.format == "html":
        from ehcp_qa.report.html import render_html as render
    elif args.format == "sarif":
        from ehcp_qa.report.sarif import render_sarif as render
    else:
        from ehcp_qa.report.text import render_text as render
    rendered = render(result)
    _write(rendered if rendered.endswith("\n") else rendered + "\n", args.output, [args.file])
    if args.annotate:
        from ehcp_qa.report.annotate import annotate_docx

        if plan.kind != "docx":
            raise InputError(f"{args.file.name}: --annotate needs a .docx draft; use --format html for a PDF")
        placed = annotate_docx(args.file, result.findings, args.annotate, plan=plan)
        print(f"ehcp-qa: {placed} comments written to {args.annotate}", file=sys.stderr)
    has_errors = any(f.severity == Severity.ERROR for f in result.findings)
    return EXIT_FINDINGS if has_errors else EXIT_CLEAN


def cmd_rules(args: argparse.Namespace) -> int:
    from ehcp_qa.engine import explain_rules, rules_markdown

    ruleset = _ruleset(args)
    _write(rules_markdown(ruleset) if args.markdown else explain_rules(ruleset, code=args.code), None)
    return EXIT_CLEAN


def cmd_audit(args: argparse.Namespace) -> int:
    from ehcp_qa.audit import criteria_by_section, run_audit

    result = run_audit(
        args.paths,
        args.out,
        sample=args.sample,
        seed=args.seed,
        stratify=args.stratify,
        cases_csv=args.cases,
        csv_out=args.csv,
        jsonl_out=args.jsonl,
        jobs=args.jobs,
        criteria=criteria_by_section(_ruleset(args).rules),
    )
    print(
        f"ehcp-qa: {len(result.plans)} plans audited, {len(result.unreadable)} unreadable, "
        f"seed {result.sampling.seed}: {args.out}",
        file=sys.stderr,
    )
    return EXIT_CLEAN


def cmd_moderate(args: argparse.Namespace) -> int:
    from ehcp_qa.moderate import moderate_workbook

    report = moderate_workbook(args.workbook)
    _write(report.to_text() if args.format == "text" else report.to_json() + "\n", None)
    return EXIT_CLEAN


def cmd_redact(args: argparse.Namespace) -> int:
    from ehcp_qa.redact import redact_file, redact_folder

    if args.source.is_dir():
        outcomes = redact_folder(args.source, args.out, redact_schools=args.schools)
        failed = 0
        for path, outcome in outcomes:
            if isinstance(outcome, str):
                failed += 1
                print(f"ehcp-qa: skipped {path.name}: {outcome}", file=sys.stderr)
            else:
                print(f"ehcp-qa: redacted {path.name} -> {outcome.output}", file=sys.stderr)
        return EXIT_UNREADABLE if failed and failed == len(outcomes) else EXIT_CLEAN
    report = redact_file(args.source, args.out, redact_schools=args.schools)
    print(f"ehcp-qa: redacted copy written to {report.output}; check the report beside it", file=sys.stderr)
    return EXIT_CLEAN


def _add_rule_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--rules", type=Path, help="folder of rule files (default: the bundled rules/)")
    parser.add_argument(
        "--config",
        type=Path,
        help="ehcp-qa.toml or pyproject.toml with [tool.ehcp-qa] (default: searched from here up)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ehcp-qa",
        description="Quality-assure Education, Health and Care Plans (.docx or PDF), offline.",
    )
    parser.add_argument("--version", action="version", version=f"ehcp-qa {__version__}")
    parser.add_argument("--debug", action="store_true", help="show a traceback on internal errors")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = commands.add_parser("check", help="check one plan and report its findings and grades")
    check.add_argument("file", type=Path)
    check.add_argument("--format", choices=("text", "json", "html", "sarif"), default="text")
    check.add_argument("-o", "--output", type=Path, help="write the report here instead of to stdout")
    check.add_argument(
        "--annotate",
        type=Path,
        metavar="OUT.docx",
        help="also write a copy of the .docx draft with a Word comment on each finding",
    )
    check.add_argument("--scoring", type=Path, help="scoring file (default: the bundled rules/scoring.yaml)")
    _add_rule_options(check)
    check.set_defaults(handler=cmd_check)

    sections = commands.add_parser("sections", help="list the sections found in a plan")
    sections.add_argument("file", type=Path)
    sections.set_defaults(handler=cmd_sections)

    rules = commands.add_parser("rules", help="list and explain the rules")
    rules.add_argument("code", nargs="?", help="explain one rule in full, e.g. PRV001")
    rules.add_argument("--markdown", action="store_true", help="all rules as Markdown (this is docs/rules.md)")
    _add_rule_options(rules)
    rules.set_defaults(handler=cmd_rules)

    audit = commands.add_parser("audit", help="dip-sample plans from files or folders and write an audit workbook")
    audit.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    audit.add_argument("--out", type=Path, required=True, metavar="FILE.xlsx")
    audit.add_argument("--sample", type=int, metavar="N", help="audit a random sample of N plans (default: all)")
    audit.add_argument("--seed", type=int, metavar="S", help="random seed; the same seed gives the same sample")
    audit.add_argument("--stratify", metavar="FIELD", help="year_group, phase, or a column of --cases")
    audit.add_argument("--cases", type=Path, metavar="cases.csv", help="case metadata (file, caseworker, team ...)")
    audit.add_argument("--csv", type=Path, metavar="FILE", help="also write one CSV row per plan")
    audit.add_argument("--jsonl", type=Path, metavar="FILE", help="also write JSON lines, one per plan")
    audit.add_argument("--jobs", type=int, metavar="N", help="plans checked in parallel (default: cores)")
    _add_rule_options(audit)
    audit.set_defaults(handler=cmd_audit)

    moderate = commands.add_parser("moderate", help="agreement between reviewers and the tool in an audit workbook")
    moderate.add_argument("workbook", type=Path)
    moderate.add_argument("--format", choices=("text", "json"), default="text")
    moderate.set_defaults(handler=cmd_moderate)

    redact = commands.add_parser("redact", help="write a redacted copy of a plan (or of every plan in a folder)")
    redact.add_argument("source", type=Path, metavar="FILE|FOLDER")
    redact.add_argument("--out", type=Path, required=True, metavar="OUT", help="output file (or folder)")
    redact.add_argument("--schools", action="store_true", help="also replace school and setting names")
    redact.set_defaults(handler=cmd_redact)
    return parser


def run(handler: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    try:
        return handler(args)
    except (InputError, RuleError) as error:
        print(f"ehcp-qa: error: {error}", file=sys.stderr)
    except BrokenPipeError:
        sys.stderr.close()  # the reader of our output went away (| head): not an error
        return EXIT_CLEAN
    except MemoryError:
        print("ehcp-qa: error: ran out of memory reading the input", file=sys.stderr)
    except Exception as error:
        if args.debug:
            raise
        # The exception's text may quote the plan: name only its type.
        print(
            f"ehcp-qa: error: internal error ({type(error).__name__}); rerun with --debug and report it",
            file=sys.stderr,
        )
    return EXIT_UNREADABLE


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return run(args.handler, args)
