"""The HTML page for caseworkers: structure, highlighting of every finding's words, escaping, no outside assets."""

from __future__ import annotations

import re
from html import escape

from test_score import make_finding, make_plan, make_result

from ehcp_qa.model import Severity
from ehcp_qa.report.html import render_html

SCRIPT = '<script>alert("x")</script>'
TEXTS = {
    "B": [f"Tom finds noise hard {SCRIPT} & needs quiet."],
    "C": ["Tom has ADHD. ADHD affects his sleep."],
    "F": ["Tom will have regular support from a key adult as appropriate."],
}


def index_of(plan, starts: str) -> int:
    return next(b.location.index for s in plan.sections for b in s.blocks if b.text.startswith(starts))


def build():
    plan = make_plan(TEXTS, omit=("D",), path="plans/<Tom> & draft.docx")
    f_index, c_index = index_of(plan, "Tom will have"), index_of(plan, "Tom has ADHD")
    findings = [
        make_finding("PRV001", evidence="regular support", index=f_index),
        make_finding("PRV003", evidence="as appropriate", index=f_index, severity=Severity.ERROR),
        make_finding("MED001", "medical-term-unexplained", "C", evidence="ADHD", index=c_index),
        make_finding("MED002", "medical-term-unexplained", "C", evidence="ADHD", index=c_index),
        make_finding("JAR001", "jargon-unexplained", "B", evidence=SCRIPT, index=index_of(plan, "Tom finds")),
        make_finding("SEC001", "section-missing", "D", Severity.ERROR, message="Section D is missing"),
        make_finding("ADV001", "advice-missing", None, message="Advice <missing> from EP"),
    ]
    return make_result(plan, findings)


def test_every_finding_with_evidence_is_highlighted_and_has_a_numbered_note():
    result = build()
    page = render_html(result)
    for finding in result.findings:
        if finding.evidence:
            assert re.search(rf'<mark class="{finding.severity}">{re.escape(escape(finding.evidence))}</mark>', page)
    notes = re.findall(r'<div class="note (\w+)" id="note-(\d+)">', page)
    assert sorted(int(number) for _, number in notes) == list(range(1, len(result.findings) + 1))
    refs = set(re.findall(r'<a href="#note-(\d+)">', page))
    highlighted = sum(1 for f in result.findings if f.evidence)
    assert len(refs) == highlighted


def test_repeated_words_are_highlighted_at_each_occurrence():
    page = render_html(build())
    paragraph = re.search(r'<p class="paragraph">Tom has (.*?)</p>', page).group(1)
    assert paragraph.count('<mark class="warning">ADHD</mark>') == 2


def test_plan_text_is_escaped():
    page = render_html(build())
    assert SCRIPT not in page
    assert escape(SCRIPT) in page
    assert "&lt;Tom&gt; &amp; draft.docx" in page
    assert "Advice &lt;missing&gt; from EP" in page
    assert "<script" not in page.lower()


def test_page_is_self_contained():
    page = render_html(build())
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//|file:)""", page, re.IGNORECASE)
    assert "<link" not in page and "@import" not in page and "url(" not in page


def test_summary_first_then_sections_in_plan_order_then_missing_ones():
    page = render_html(build())
    overall = page.index('class="big inadequate"')  # the missing-section cap
    order = [page.index(f'id="part-{section}"') for section in ("plan", "A", "B", "C", "E", "F", "K", "D")]
    assert overall < order[0]
    assert order == sorted(order)
    missing = page[page.index('id="part-D"') :]
    assert "Not found in this plan" in missing[:400]
    assert "Section D is missing" in missing


def test_overlapping_findings_are_both_marked():
    plan = make_plan({"F": ["Tom will have regular support."]})
    index = index_of(plan, "Tom will have")
    findings = [
        make_finding(evidence="regular support", index=index),
        make_finding("PRV002", evidence="support", index=index),
    ]
    page = render_html(make_result(plan, findings))
    assert '<mark class="warning">regular </mark><mark class="warning">support</mark>' in page
    assert page.count('href="#note-') == 2
