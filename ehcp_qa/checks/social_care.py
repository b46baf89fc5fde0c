"""social-care: cross-section tests of the social care contribution (sections D, H1/H2 and K).

`test` picks what a rule reports:
  needs      D is missing or empty, or says there are no needs ("N/A", "not known to social care") or only points
             elsewhere ("please see the assessment on file"), with no sign that social care assessed the child;
             each sentence saying so is reported, and every sentence of a D that describes no needs either. An
             assessment dated `stale_after_years` or more before the latest advice in K is history, not a
             current assessment.
  provision  while D describes needs, or shows no assessment behind "no needs": each H sentence only
             promising provision ("to be confirmed", "once he turns 18") is reported, and each H2 sentence with
             no amount that leaves help out (`leaves_out`: "overnight breaks are not included") or hands it to
             someone else ("will be provided by his family"), and, where H sets out no provision at all, each
             saying "none". A "none" in D that was not assessed ("needs at night were not assessed and are
             recorded as none") is no finding of "none". Where D shows no assessment and describes no needs,
             every H sentence with no amount is reported ("No change.", "She will carry on supporting the
             family"). H1 (section 2 of the 1970 Act: disabled children) may say a bare "None." beside H2's
             provision, or "not applicable" for a reason in `h1_not_due` ("she is a young carer, not a disabled
             child", "he is over 18"); any other reason ("as she lives with her aunt") is reported like H2's.
  advice     K lists no social care advice (a "not known to this service" reply is not advice)
Signs of involvement found anywhere in the plan are named in the finding ({signals}).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from ehcp_qa.checks.base import CheckType, Hit, Params, PlanView, Setup, span_hit, whole_block
from ehcp_qa.checks.phrases import PhraseList, covered, has_amount, years
from ehcp_qa.checks.units import is_amendment_note, is_subheading
from ehcp_qa.model import Block, Section

TESTS = ("needs", "provision", "advice")
NEGATION_REACH = 4  # words between "not" and the need it negates ("did not want any short breaks")
ASSESSMENT_REACH = 4  # words between an assessment and what says it did not happen ("not part of the assessment")
BARE_NONE_WORDS = 2  # "None.", "Not applicable.": no more than a reply to the heading
ENTRY_LABEL_WORDS = 8  # a K entry's label ends at a colon this near its start ("Children's social care: ...")


@dataclass(frozen=True)
class SocialCareCheck:
    test: str
    none_words: PhraseList  # "N/A", "no social care needs", "not known to"
    assessed_words: PhraseList  # "assessment", "social worker"
    other_assessments: PhraseList  # assessments that are not of social care ("the EHC needs assessment")
    need_words: PhraseList  # what D says when it describes needs ("needs support", "short breaks")
    signals: PhraseList  # signs elsewhere that social care is involved
    advice_words: PhraseList  # a K entry that is social care advice
    no_advice_words: PhraseList  # "not known to this service", "not received"
    not_advice_words: PhraseList  # a K entry naming social care that is not its advice ("views recorded by")
    negations: PhraseList  # a need word just after these is not a need ("did not want short breaks")
    not_needs: PhraseList  # need words that name something else ("needs assessment", "special educational needs")
    not_assessed: PhraseList  # an assessment that did not happen ("a social care assessment was not requested")
    denials: PhraseList  # "not", "never": before an assessment's finding, they deny the assessment
    findings: PhraseList  # "found", "concluded": what follows is what the assessment found
    promised: PhraseList  # "will", "to be": a K entry that only promises advice ("to be sent after the panel")
    refers_elsewhere: PhraseList  # "Please see the assessment on file", "As per the child in need plan"
    placeholders: PhraseList  # template guidance left in: "[Insert a summary of the social care needs here]"
    pending: PhraseList  # H provision not there yet: "to be confirmed", "awaiting funding panel"
    put_off_until: PhraseList  # after "will be arranged": "if", "once", "next": the help is settled later
    stale_after_years: int  # 0: any assessment counts, however old
    h1_not_due: PhraseList  # why section 2 of the 1970 Act does not apply: "young carer", "over 18"
    leaves_out: PhraseList  # H names help it does not give: "not included", "no day support"
    conditions: PhraseList  # what follows these is a condition, not a need or help left out: "if things do not improve"


def compile_social_care(params: Params, setup: Setup) -> SocialCareCheck:
    return SocialCareCheck(
        test=params.choice("test", TESTS),
        none_words=PhraseList.build("none_words", params.strings("none_words")),
        assessed_words=PhraseList.build("assessed_words", params.strings("assessed_words")),
        other_assessments=PhraseList.build("other_assessments", params.strings("other_assessments", ())),
        need_words=PhraseList.build("need_words", params.strings("need_words")),
        signals=PhraseList.build("signals", params.strings("signals")),
        advice_words=PhraseList.build("advice_words", params.strings("advice_words")),
        no_advice_words=PhraseList.build("no_advice_words", params.strings("no_advice_words")),
        not_advice_words=PhraseList.build("not_advice_words", params.strings("not_advice_words", ())),
        negations=PhraseList.build("negations", params.strings("negations", ())),
        not_needs=PhraseList.build("not_needs", params.strings("not_needs", ())),
        not_assessed=PhraseList.build("not_assessed", params.strings("not_assessed", ())),
        denials=PhraseList.build("denials", params.strings("denials", ())),
        findings=PhraseList.build("findings", params.strings("findings", ())),
        promised=PhraseList.build("promised", params.strings("promised", ())),
        refers_elsewhere=PhraseList.build("refers_elsewhere", params.strings("refers_elsewhere", ())),
        placeholders=PhraseList.build("placeholders", params.strings("placeholders", ())),
        pending=PhraseList.build("pending", params.strings("pending", ())),
        put_off_until=PhraseList.build("put_off_until", params.strings("put_off_until", ())),
        stale_after_years=params.integer("stale_after_years", 0, minimum=0),
        h1_not_due=PhraseList.build("h1_not_due", params.strings("h1_not_due", ())),
        leaves_out=PhraseList.build("leaves_out", params.strings("leaves_out", ())),
        conditions=PhraseList.build("conditions", params.strings("conditions", ())),
    )


def _content(section: Section | None) -> list[Block]:
    """The section's statements: not its sub-headings, nor notes on what an amendment changed."""
    if section is None:
        return []
    return [b for b in section.blocks if not is_subheading(b) and not is_amendment_note(b)]


def _signals(view: PlanView, check: SocialCareCheck) -> str:
    """A sentence naming the signs of social care involvement found anywhere in the plan, or ""."""
    found: dict[str, None] = {}
    for block in (*view.plan.preamble, *(block for _, block in view.all_blocks)):
        for span in check.signals.find(view.doc(block)):
            found.setdefault(span.text.lower(), None)
    return f" The plan also mentions: {', '.join(found)}." if found else ""


def _sentences(view: PlanView, blocks: list[Block]) -> Iterator[tuple[Block, Span]]:
    return ((block, sentence) for block in blocks for sentence in view.doc(block).sents)


def _says_none(sentence: Span, check: SocialCareCheck) -> bool:
    """ "N/A", "no social care needs", only a pointer elsewhere ("As per the child in need plan", but not "3 hours
    a week (see section J)"), or template guidance ("[Insert a summary ...]")."""
    points_elsewhere = check.refers_elsewhere.in_text(sentence) and not has_amount(sentence)
    return points_elsewhere or check.none_words.in_text(sentence) or check.placeholders.in_text(sentence)


def _states_a_need(sentence: Span, check: SocialCareCheck) -> bool:
    """A sentence naming a need that is not negated ("did not want short breaks"), met ("needs are met"), or
    something else ("the EHC needs assessment team")."""
    if _says_none(sentence, check):
        return False
    negations = check.negations.find(sentence)
    conditions = check.conditions.find(sentence)
    other_things = check.not_needs.find(sentence)
    return any(
        not covered(need, other_things)
        and not any(0 <= need.start - negation.end <= NEGATION_REACH for negation in negations)
        and not _after(need, conditions)
        for need in check.need_words.find(sentence)
    )


def _after(span: Span, conditions: list[Span]) -> bool:
    """The span sits in a condition ("If the family need help, ..."): it states nothing that is so now."""
    return any(condition.end <= span.start for condition in conditions)


def _describes_needs(view: PlanView, blocks: list[Block], check: SocialCareCheck) -> bool:
    return any(_states_a_need(sentence, check) for _, sentence in _sentences(view, blocks))


def _advice_year(view: PlanView) -> int | None:
    """The year of the latest advice in K: near enough the plan's own date."""
    named = [year for block in _content(view.plan.section("K")) for year in years(view.doc(block))]
    return max(named, default=None)


def _current(sentence: Span, advice_year: int | None, check: SocialCareCheck) -> bool:
    """A sentence naming no year, or a year less than `stale_after_years` before the latest advice."""
    named = years(sentence)
    if not (check.stale_after_years and advice_year is not None and named):
        return True
    return advice_year - max(named) < check.stale_after_years


def _assessed(view: PlanView, blocks: list[Block], check: SocialCareCheck) -> bool:
    """D says who assessed the child: an assessment that happened, is current, and is described here rather than
    pointed to."""
    advice_year = _advice_year(view)
    return any(
        _reports_assessment(sentence, check)
        and not check.refers_elsewhere.in_text(sentence)
        and not check.placeholders.in_text(sentence)
        and _current(sentence, advice_year, check)
        for _, sentence in _sentences(view, blocks)
    )


def _assessments(sentence: Span, check: SocialCareCheck) -> list[Span]:
    """The social care assessments a sentence names, not others ("outside the remit of an EHC needs assessment")."""
    others = check.other_assessments.find(sentence)
    return [span for span in check.assessed_words.find(sentence) if not covered(span, others)]


def _reports_assessment(sentence: Span, check: SocialCareCheck) -> bool:
    """The sentence names an assessment and nothing that says it did not happen ("was requested", "not needed")."""
    return (
        bool(_assessments(sentence, check))
        and not check.not_assessed.in_text(sentence)
        and not _denies_assessment(sentence, check)
    )


def _denies_assessment(sentence: Span, check: SocialCareCheck) -> bool:
    """Each assessment the sentence names has a "not" between it and what it found ("a carer's assessment is not
    being pursued", "his assessment dates from 2021 and has not been updated", but not "the assessment found that
    he does not need help")."""
    denials = check.denials.find(sentence)
    findings = check.findings.find(sentence)
    assessments = _assessments(sentence, check)
    return bool(assessments) and all(
        any(_denies(denial, assessment, findings) for denial in denials) for assessment in assessments
    )


def _denies(denial: Span, assessment: Span, findings: list[Span]) -> bool:
    """Nothing between the "not" and the assessment starts the assessment's finding or another clause ("they have
    not slept well since, and the assessment records ...")."""
    start, end = min(denial.end, assessment.end), max(denial.start, assessment.start)
    gap = assessment.doc[start:end]
    return not any(token.text in ",;:" for token in gap) and not any(
        start <= finding.start and finding.end <= end for finding in findings
    )


def _unassessed(sentence: Span, check: SocialCareCheck) -> bool:
    """The sentence names an assessment that did not happen or did not cover this ("not part of the assessment"),
    the two within a few words of each other (not "assessed him ... his parents did not ask for help")."""
    denials = check.not_assessed.find(sentence)
    return any(
        abs(assessment.start - denial.end) <= ASSESSMENT_REACH or abs(denial.start - assessment.end) <= ASSESSMENT_REACH
        for assessment in _assessments(sentence, check)
        for denial in denials
    )


def _found_no_needs(view: PlanView, blocks: list[Block], check: SocialCareCheck) -> bool:
    """D says an assessment found no needs: its last word on needs is "none" (a conclusion after the help the
    family already gives), not a need, and not silence ("he cares for his father 25 hours a week")."""
    if not _assessed(view, blocks, check):
        return False
    # "Needs at night were not part of the assessment and are recorded as none" is no finding of "none".
    verdicts = [
        none
        for _, sentence in _sentences(view, blocks)
        if (none := _says_none(sentence, check) and not _unassessed(sentence, check)) or _states_a_need(sentence, check)
    ]
    return bool(verdicts) and verdicts[-1]


def _unfounded(view: PlanView, blocks: list[Block], check: SocialCareCheck) -> bool:
    """D gives section H nothing to stand on: it is empty, or shows no assessment and describes no needs."""
    return not blocks or not (_assessed(view, blocks, check) or _describes_needs(view, blocks, check))


def _leaves_out(sentence: Span, check: SocialCareCheck) -> bool:
    """An H sentence naming help it does not give ("Overnight breaks are not included", "so no day support is
    included"), rather than a condition ("if things do not improve")."""
    conditions = check.conditions.find(sentence)
    return any(not _after(left_out, conditions) for left_out in check.leaves_out.find(sentence))


def _leaves_help_out(sentence: Span, check: SocialCareCheck) -> bool:
    """Beside an assessment that found no needs, "No other provision is needed" agrees with it; "Respite is not an
    education matter and has been left out" does not."""
    return _leaves_out(sentence, check) and not _says_none(sentence, check)


def _short_of_needs(sentence: Span, check: SocialCareCheck) -> bool:
    """An H2 sentence, beside needs found in D, that gives no help of its own: it leaves help out, hands a need to
    someone else ("will be provided by his family") or points elsewhere ("may be available through the Local
    Offer"). A bare "None." may stand beside provision in H1, and an assessment's finding ("a carer's assessment
    found that the help above meets their needs") is a reason, not a gap."""
    if _reports_assessment(sentence, check):
        return False
    words = sum(1 for token in sentence if token.is_alpha)
    return _leaves_out(sentence, check) or (words > BARE_NONE_WORDS and _says_none(sentence, check))


def _needs(view: PlanView, check: SocialCareCheck) -> Iterator[Hit]:
    section = view.plan.section("D")
    blocks = _content(section)
    details = {"signals": _signals(view, check)}
    if not blocks:
        yield Hit("D", details=details)
        return
    if _assessed(view, blocks, check):
        # One assessment does not cover another that was left undone ("his parents were not offered a carer's
        # assessment").
        for block, sentence in _sentences(view, blocks):
            if _denies_assessment(sentence, check):
                yield span_hit("D", block, sentence, details=details)
        return
    unfounded = _unfounded(view, blocks, check)
    # Without an assessment, every "no needs" is unsupported, whatever else D says ("a health care package"), and
    # a D that describes no needs either has nothing in it that does D's job.
    for block, sentence in _sentences(view, blocks):
        if unfounded or _says_none(sentence, check) or check.not_assessed.in_text(sentence):
            yield span_hit("D", block, sentence, details=details)


def _provision(view: PlanView, check: SocialCareCheck) -> Iterator[Hit]:
    parts = view.sections(("H1", "H2"))
    if not parts:
        return  # a missing section H is reported as section-missing
    content = [(section, _content(section)) for section in parts]
    d_blocks = _content(view.plan.section("D"))
    sentences = [sentence for _, blocks in content for _, sentence in _sentences(view, blocks)]
    # An assessment that found no needs makes "none" enough; but where H still sets out provision, the needs are
    # real, and H may not leave help out or put it off ("has been left out of this plan", "is being looked at").
    found_none = _found_no_needs(view, d_blocks, check)
    if found_none and not any(has_amount(sentence) and not _says_none(sentence, check) for sentence in sentences):
        return  # no provision is due
    details = {"signals": _signals(view, check)}
    # Without an assessment, whatever H says short of set-out provision ("No change.", "Not assessed.", "She will
    # carry on supporting the family") rests on nothing. With one, H may not leave found needs out ("not included
    # because ..."), unless section 2 of the 1970 Act does not reach this child (H1, `h1_not_due`).
    unfounded = _unfounded(view, d_blocks, check)
    short_of_needs = _leaves_help_out if found_none else _short_of_needs
    nothing = all(_says_none(sentence, check) for sentence in sentences)
    for section, blocks in content:
        if not blocks and nothing:
            yield Hit(section.id, details=details)
        for block, sentence in _sentences(view, blocks):
            if section.id == "H1" and check.h1_not_due.in_text(sentence):
                continue
            if (
                (nothing and _says_none(sentence, check))
                or check.pending.in_text(sentence)
                or (not has_amount(sentence) and _put_off(sentence, check))
                or (not has_amount(sentence) and (unfounded or short_of_needs(sentence, check)))
            ):
                yield span_hit(section.id, block, sentence, details=details)


def _put_off(sentence: Span, check: SocialCareCheck) -> bool:
    """Help that will be settled later: "will be" and a participle, then a condition or a later date ("will be
    arranged if the family ask", "will be agreed at the next review"); or help still in the making ("a package
    is being put together")."""
    for will, be, done in zip(sentence, sentence[1:], sentence[2:], strict=False):
        if will.lower_ == "will" and be.lower_ == "be" and _participle(done):
            return check.put_off_until.in_text(sentence[done.i - sentence.start + 1 :])
        if be.lower_ == "being" and done.is_alpha and _after_be(be):
            return not _looked_after(sentence[done.i - sentence.start :])
    return False


def _after_be(being: Token) -> bool:
    """ "is being", "is still being": "being" as part of a verb, not a noun ("a human being")."""
    return any(token.lemma_ == "be" for token in being.doc[max(being.i - 2, 0) : being.i])


def _looked_after(words: Span) -> bool:
    """ "being looked after" by foster carers is a looked-after child's care, not help still to come."""
    return words[:2].text.lower() == "looked after"


def _participle(token: Token) -> bool:
    """ "arranged", "given", "put": the lookup lemmatizer changes a participle, or it has a participle's ending."""
    return token.is_alpha and (token.lower_.endswith(("ed", "en")) or token.lemma_.lower() != token.lower_)


def _advice(view: PlanView, check: SocialCareCheck) -> Iterator[Hit]:
    section = view.plan.section("K")
    if section is None:
        return  # reported as section-missing
    entries = [b for b in _content(section) if _social_care_entry(view.doc(b), check)]
    if any(not check.no_advice_words.in_text(view.doc(b)) and not _withheld(view.doc(b), check) for b in entries):
        return
    yield whole_block("K", entries[0]) if entries else Hit("K")


def _social_care_entry(entry: Doc, check: SocialCareCheck) -> bool:
    """A K entry from social care: its label says so ("Children's social care: ..."), whatever follows ("agreed to
    email his views"); an entry with no such label names social care and is not someone else's advice ("Sam's own
    views, recorded by his social worker")."""
    colon = next((token.i for token in entry[:ENTRY_LABEL_WORDS] if token.text == ":"), None)
    label = entry[:colon] if colon is not None else None
    said = label if label is not None and check.advice_words.in_text(label) else entry
    return check.advice_words.in_text(said) and not check.not_advice_words.in_text(said)


def _withheld(entry: Doc, check: SocialCareCheck) -> bool:
    """A K entry that says the advice was not given, before anything it found ("did not give consent", "his advice
    was not ready in time", but not "assessment of May 2025: found that he does not need help"), or only promises
    it ("to be attached to the final plan", "will send advice")."""
    first_finding = min((finding.start for finding in check.findings.find(entry)), default=len(entry))
    denied = any(denial.start < first_finding for denial in check.denials.find(entry))
    return denied or check.promised.in_text(entry)


_TESTS = {"needs": _needs, "provision": _provision, "advice": _advice}


def run_social_care(view: PlanView, sections: tuple[str, ...], check: SocialCareCheck) -> Iterator[Hit]:
    return _TESTS[check.test](view, check)


SOCIAL_CARE = CheckType(compile=compile_social_care, run=run_social_care, details=frozenset({"signals"}))
