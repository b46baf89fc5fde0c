"""One self-contained HTML page a caseworker can read: grades at the top, then the plan's sections in order with
the flagged words highlighted and a numbered note beside each paragraph saying what is wrong and what to do.

Inline CSS only: no scripts, fonts, images or links to anything outside the page, so it works offline, can be
attached to an email and prints cleanly. Every piece of plan text is escaped.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape
from itertools import pairwise
from pathlib import PurePath
from typing import TYPE_CHECKING

from ehcp_qa import __version__
from ehcp_qa.model import SECTION_NAMES, Block, Finding, Score, Section, Severity
from ehcp_qa.report.evidence import find_occurrence
from ehcp_qa.score import GRADE_ORDER

if TYPE_CHECKING:
    from ehcp_qa.pipeline import CheckResult

SEVERITY_LABELS = {Severity.ERROR: "Must fix", Severity.WARNING: "Should fix", Severity.INFO: "Worth a look"}
_SEVERITY_RANK = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
_STATUTORY_ORDER = ("A", "B", "C", "D", "E", "F", "G", "H", "H1", "H2", "I", "J", "K")
_GRADE_CLASSES = dict(zip(GRADE_ORDER, ("outstanding", "good", "ri", "inadequate"), strict=True))

CSS = """
:root { --ink:#1b1f24; --muted:#57606a; --line:#d0d7de; --paper:#ffffff; --bg:#f6f8fa;
  --error:#ffd7d5; --error-ink:#82071e; --warning:#fff1b8; --warning-ink:#6f4e00; --info:#ddf4ff; --info-ink:#0a3069;
  --outstanding:#1a7f37; --good:#4ac26b; --ri:#d4a72c; --inadequate:#cf222e; }
* { box-sizing: border-box; }
body { margin:0; background:var(--bg); color:var(--ink); font: 16px/1.55 "Segoe UI", Arial, Helvetica, sans-serif; }
.page { max-width: 1180px; margin: 0 auto; padding: 24px 20px 48px; }
header.top { background:var(--paper); border:1px solid var(--line); border-radius:10px; padding:20px 24px; }
h1 { font-size: 1.5rem; margin: 0 0 4px; }
.file { color:var(--muted); margin:0 0 16px; word-break: break-all; }
.overall { display:flex; flex-wrap:wrap; gap:16px; align-items:center; margin-bottom:8px; }
.overall .big { font-size:1.35rem; font-weight:700; padding:6px 14px; border-radius:8px; color:#fff; }
.counts span { display:inline-block; margin-right:12px; }
.why { margin:8px 0 0; }
.reasons { margin:2px 0 0; padding-left:20px; color:var(--muted); }
table.grades { border-collapse: collapse; margin-top:16px; width:100%; font-size:.95rem; }
table.grades th, table.grades td { text-align:left; padding:6px 10px; border-bottom:1px solid var(--line); }
table.grades th { color:var(--muted); font-weight:600; }
table.grades a { color:inherit; }
.chip { display:inline-block; padding:1px 10px; border-radius:999px; color:#fff; font-weight:600; font-size:.9rem;
  white-space:nowrap; }
.outstanding { background:var(--outstanding); } .good { background:var(--good); color:#0b2e13; }
.ri { background:var(--ri); color:#2b2000; } .inadequate { background:var(--inadequate); }
.ungraded { background:#8c959f; }
.help { background:var(--paper); border:1px solid var(--line); border-radius:10px; padding:12px 20px; margin:16px 0;
  color:var(--muted); }
.help p { margin:4px 0; }
section.part { background:var(--paper); border:1px solid var(--line); border-radius:10px; margin:20px 0;
  overflow:hidden; }
section.part > h2 { margin:0; padding:12px 20px; font-size:1.2rem; background:#eef2f6;
  border-bottom:1px solid var(--line); display:flex; gap:12px; align-items:center; flex-wrap:wrap; }
.sid { display:inline-block; min-width:2.2em; text-align:center; background:var(--ink); color:#fff; border-radius:6px;
  padding:0 6px; }
.as-written { color:var(--muted); font-weight:400; font-size:.95rem; }
.row { display:grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap:20px; padding:8px 20px;
  border-bottom:1px solid #eef0f2; }
.row:last-child { border-bottom:none; }
.row.flagged { background:#fffdf6; }
.text p { margin:4px 0; white-space:pre-wrap; }
.text .heading { font-weight:700; }
.text .cell { border-left:3px solid var(--line); padding-left:10px; }
.text .list_item::before { content:"• "; color:var(--muted); }
.section-level { padding:12px 20px; border-bottom:1px solid #eef0f2; background:#fffdf6; }
mark { padding:0 2px; border-radius:3px; color:inherit; }
mark.error { background:var(--error); box-shadow: inset 0 -2px 0 var(--error-ink); }
mark.warning { background:var(--warning); box-shadow: inset 0 -2px 0 var(--warning-ink); }
mark.info { background:var(--info); box-shadow: inset 0 -2px 0 var(--info-ink); }
sup.ref { font-size:.7rem; font-weight:700; margin-left:1px; }
sup.ref a { text-decoration:none; color:var(--ink); background:#e6e9ed; border-radius:8px; padding:0 5px; }
.note { border:1px solid var(--line); border-left-width:5px; border-radius:6px; padding:8px 12px; margin:6px 0;
  font-size:.95rem; background:#fff; }
.note.error { border-left-color:var(--inadequate); } .note.warning { border-left-color:var(--ri); }
.note.info { border-left-color:#0969da; }
.note .head { display:flex; gap:8px; align-items:baseline; flex-wrap:wrap; }
.note .num { font-weight:700; background:#e6e9ed; border-radius:8px; padding:0 7px; }
.note .sev { font-weight:700; }
.note.error .sev { color:var(--error-ink); } .note.warning .sev { color:var(--warning-ink); }
.note.info .sev { color:var(--info-ink); }
.note .msg { margin:4px 0; }
.note .quote { color:var(--muted); font-style:italic; margin:2px 0; }
.note .fix { margin:4px 0 0; }
.note .code { color:var(--muted); font-size:.8rem; }
.empty { color:var(--muted); padding:12px 20px; margin:0; }
footer { color:var(--muted); font-size:.85rem; margin-top:24px; }
@media (max-width: 800px) { .row { grid-template-columns: 1fr; } }
@media print { body { background:#fff; } .page { max-width:none; padding:0; }
  section.part, header.top, .help { break-inside:auto; border-color:#999; } .row { break-inside:avoid; } }
"""


@dataclass(frozen=True)
class _Placed:
    """A finding with its number on the page and, when its words were found, where they are in the block."""

    number: int
    finding: Finding
    span: tuple[int, int] | None = None


def render_html(result: CheckResult) -> str:
    plan, score = result.plan, result.score
    layout = _Layout(plan.sections, result.findings)
    parts = [_head(PurePath(plan.path).name), '<div class="page">', _top(plan.path, score, result.findings)]
    parts.append(_help())
    if layout.whole_plan:
        parts.append(_part("plan", "Whole plan", "About the plan as a whole", "", layout.whole_plan, ""))
    grades = {s.section: s.grade for s in score.sections}
    for section in plan.sections:
        body = "".join(_block_row(block, layout.in_block.get(block.location.index, [])) for block in section.blocks)
        title = SECTION_NAMES.get(section.id, "")
        parts.append(
            _part(
                section.id,
                title,
                section.title,
                grades.get(section.id),
                layout.in_section[section.id],
                body or '<p class="empty">This section has no text.</p>',
            )
        )
    for section_id in layout.missing_sections:
        parts.append(
            _part(
                section_id,
                SECTION_NAMES.get(section_id, ""),
                "Not found in this plan",
                grades.get(section_id),
                layout.in_section[section_id],
                "",
            )
        )
    parts.append(
        f"<footer>Checked by ehcp-qa {escape(__version__)}. The tool's grades are a starting point for a "
        "person's judgement, not a replacement for it.</footer></div></body></html>\n"
    )
    return "".join(parts)


class _Layout:
    """Where each finding goes on the page, numbered in the order a reader meets them."""

    def __init__(self, sections: Sequence[Section], findings: Sequence[Finding]) -> None:
        block_section = {b.location.index: s.id for s in sections for b in s.blocks}
        blocks = {b.location.index: b for s in sections for b in s.blocks}
        present = {s.id for s in sections}
        in_block: dict[int, list[Finding]] = defaultdict(list)
        in_section: dict[str, list[Finding]] = defaultdict(list)
        whole_plan: list[Finding] = []
        for finding in findings:
            index = finding.location.index if finding.location else None
            if index in block_section:
                in_block[index].append(finding)
            elif finding.section:
                in_section[finding.section].append(finding)
            else:
                whole_plan.append(finding)
        self.missing_sections = [s for s in _STATUTORY_ORDER if s in in_section and s not in present]
        counter = _Counter()
        self.whole_plan = [counter.place(f) for f in whole_plan]
        self.in_section: dict[str, list[_Placed]] = defaultdict(list)
        self.in_block: dict[int, list[_Placed]] = {}
        for section in sections:
            self.in_section[section.id] = [counter.place(f) for f in in_section.get(section.id, [])]
            for block in section.blocks:
                if block.location.index in in_block:
                    self.in_block[block.location.index] = _spans(
                        blocks[block.location.index], in_block[block.location.index], counter
                    )
        for section_id in self.missing_sections:
            self.in_section[section_id] = [counter.place(f) for f in in_section[section_id]]


class _Counter:
    def __init__(self) -> None:
        self.next = 1

    def place(self, finding: Finding, span: tuple[int, int] | None = None) -> _Placed:
        placed = _Placed(self.next, finding, span)
        self.next += 1
        return placed


def _spans(block: Block, findings: Sequence[Finding], counter: _Counter) -> list[_Placed]:
    """Number a block's findings in reading order, each with the span of its words (the n-th repeat of a phrase
    goes on the n-th occurrence)."""
    seen: Counter[str] = Counter()
    located = []
    for finding in findings:
        start = find_occurrence(block.text, finding.evidence, seen[finding.evidence]) if finding.evidence else -1
        seen[finding.evidence] += 1
        located.append((start, finding))
    located.sort(key=lambda item: (item[0] < 0, item[0]))
    return [
        counter.place(finding, (start, start + len(finding.evidence)) if start >= 0 else None)
        for start, finding in located
    ]


# ---------------------------------------------------------------------------------------------- pieces


def _head(file_name: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>EHC plan check: {escape(file_name)}</title><style>{CSS}</style></head><body>"
    )


def _grade_chip(grade: object) -> str:
    """A coloured grade; "" (a part of the page that is not graded) gives nothing."""
    if grade == "":
        return ""
    if grade is None:
        return '<span class="chip ungraded">Not graded</span>'
    return f'<span class="chip {_GRADE_CLASSES[grade]}">{escape(str(grade))}</span>'


def _top(path: str, score: Score, findings: Sequence[Finding]) -> str:
    by_severity = Counter(f.severity for f in findings)
    counts = "".join(
        f"<span><strong>{by_severity[s]}</strong> {escape(SEVERITY_LABELS[s].lower())}</span>" for s in SEVERITY_LABELS
    )
    reasons = "".join(f"<li>{escape(reason)}</li>" for reason in score.reasons)
    per_section = Counter(f.section for f in findings)
    rows = "".join(
        f'<tr><td><a href="#part-{escape(s.section)}">{escape(s.section)}</a></td>'
        f"<td>{escape(SECTION_NAMES.get(s.section, ''))}</td><td>{_grade_chip(s.grade)}</td>"
        f"<td>{s.score:g}</td><td>{per_section[s.section]}</td></tr>"
        for s in score.sections
    )
    return (
        '<header class="top"><h1>EHC plan check</h1>'
        f'<p class="file">{escape(PurePath(path).name)}</p>'
        f'<div class="overall"><span class="big {_GRADE_CLASSES[score.grade]}">{escape(str(score.grade))}</span>'
        f"<span>Overall score {score.score:g} out of 100</span>"
        f'<span class="counts"><strong>{len(findings)}</strong> things to look at: {counts}</span></div>'
        f'<p class="why"><strong>Why this grade</strong></p><ul class="reasons">{reasons}</ul>'
        '<table class="grades"><thead><tr><th>Section</th><th>What it covers</th><th>Grade</th><th>Score</th>'
        f"<th>Findings</th></tr></thead><tbody>{rows}</tbody></table></header>"
    )


def _help() -> str:
    return (
        '<div class="help"><p><strong>How to read this page.</strong> The plan follows, section by section. '
        'Words the checker is concerned about are <mark class="warning">highlighted</mark> with a number; the '
        "note with the same number, beside the paragraph, says what is wrong and how to put it right.</p>"
        "<p><strong>Must fix</strong>: likely to breach the SEND Code of Practice. <strong>Should fix</strong>: "
        "vague or unclear. <strong>Worth a look</strong>: a suggestion.</p></div>"
    )


def _part(section_id: str, name: str, as_written: str, grade: object, notes: Sequence[_Placed], body: str) -> str:
    badge = "All" if section_id == "plan" else section_id
    section_notes = f'<div class="section-level">{_notes(notes)}</div>' if notes else ""
    return (
        f'<section class="part" id="part-{escape(section_id)}"><h2><span class="sid">{escape(badge)}</span>'
        f'{escape(name)} <span class="as-written">{escape(as_written)}</span>{_grade_chip(grade)}</h2>'
        f"{section_notes}{body}</section>"
    )


def _block_row(block: Block, placed: Sequence[_Placed]) -> str:
    kind = "cell" if block.kind == "table_cell" else block.kind
    text = f'<div class="text"><p class="{kind}">{_highlighted(block.text, placed)}</p></div>'
    flagged = " flagged" if placed else ""
    return f'<div class="row{flagged}">{text}<aside class="notes">{_notes(placed)}</aside></div>'


def _highlighted(text: str, placed: Sequence[_Placed]) -> str:
    """The block's text, escaped, with each finding's words in a <mark> followed by the finding's number.

    Overlapping findings split the text at every span boundary; each piece is marked for the findings covering it.
    """
    spans = [p for p in placed if p.span]
    if not spans:
        return escape(text)
    cuts = sorted({0, len(text), *(edge for p in spans for edge in p.span)})
    out = []
    for start, end in pairwise(cuts):
        covering = [p for p in spans if p.span[0] <= start and end <= p.span[1]]
        piece = escape(text[start:end])
        if covering:
            worst = min(covering, key=lambda p: _SEVERITY_RANK[p.finding.severity]).finding.severity
            out.append(f'<mark class="{worst}">{piece}</mark>')
        else:
            out.append(piece)
        out += [_ref(p.number) for p in spans if p.span[1] == end]
    return "".join(out)


def _ref(number: int) -> str:
    return f'<sup class="ref"><a href="#note-{number}">{number}</a></sup>'


def _notes(placed: Iterable[_Placed]) -> str:
    return "".join(_note(p) for p in placed)


def _note(placed: _Placed) -> str:
    finding = placed.finding
    where = ""
    if finding.location and finding.location.page:
        where = f" · page {finding.location.page}"
    quote = f'<p class="quote">“{escape(finding.evidence)}”</p>' if finding.evidence else ""
    fix = f'<p class="fix"><strong>Suggestion:</strong> {escape(finding.suggestion)}</p>' if finding.suggestion else ""
    return (
        f'<div class="note {finding.severity}" id="note-{placed.number}"><div class="head">'
        f'<span class="num">{placed.number}</span><span class="sev">{SEVERITY_LABELS[finding.severity]}</span>'
        f'<span class="code">{escape(finding.rule)} · {escape(finding.category)}{where}</span></div>'
        f'<p class="msg">{escape(finding.message)}</p>{quote}{fix}</div>'
    )
