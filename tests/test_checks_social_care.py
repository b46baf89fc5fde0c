"""Social care (D, H1, H2, K): needs not assessed, no provision despite needs, no social care advice."""

from __future__ import annotations

from typing import Any

from ehcp_qa.engine import build_plan, load_rules, run_checks

RULES = load_rules()
ASSESSED_K = ["Social care advice: Jo Adeyemi, Social Worker, Children with Disabilities Team, 12 June 2025"]


def social_care(**sections: Any) -> list[tuple[str, str | None, str]]:
    plan = build_plan({"sections": {"K": ASSESSED_K, **sections}, "complete": True})
    return [(f.rule, f.section, f.evidence) for f in run_checks(plan, RULES) if f.category == "social-care-missing"]


def test_na_without_assessment_is_reported_with_the_signals_found_elsewhere() -> None:
    plan = build_plan(
        {
            "sections": {"A": ["Lily lives with her foster carers."], "D": ["N/A"], "K": ASSESSED_K},
            "complete": True,
        }
    )
    (finding,) = [f for f in run_checks(plan, RULES) if f.rule == "SOC001"]
    assert (finding.section, finding.evidence) == ("D", "N/A")
    assert "foster carers" in finding.message


def test_no_needs_after_an_assessment_passes() -> None:
    d = "A social worker completed an assessment in June 2025 and found no social care needs."
    assert social_care(D=[d], H1=["None."], H2=["None."]) == []


def test_missing_or_empty_d_is_reported_as_an_absence() -> None:
    assert ("SOC001", "D", "") in social_care(D=[])
    assert ("SOC001", "D", "") in social_care(D=None)


def test_no_provision_while_d_describes_needs() -> None:
    # Needs arising from disability are met under CSDPA 1970 s2 (H1) or otherwise (H2): both "none" are at fault.
    found = social_care(D=["Jayden needs help with personal care at home."], H1=["None."], H2=["N/A"])
    assert found == [("SOC002", "H1", "None."), ("SOC002", "H2", "N/A")]


def test_none_in_h_resting_on_an_unassessed_d_is_reported_in_both_parts() -> None:
    found = social_care(A=["Jayden lives with his foster carers."], D=["N/A"], H1=["N/A"], H2=["None."])
    assert [f for f in found if f[0] == "SOC002"] == [("SOC002", "H1", "N/A"), ("SOC002", "H2", "None.")]


def test_each_sentence_of_d_saying_no_needs_is_reported_once() -> None:
    d = "Kai is not known to children's social care. No social care needs have been identified."
    assert [f for f in social_care(D=[d]) if f[1] == "D"] == [
        ("SOC001", "D", "No social care needs have been identified."),
        ("SOC004", "D", "not known to"),
    ]


def test_h_without_an_amount_resting_on_an_unassessed_d_is_reported() -> None:
    found = social_care(
        D=["Nia has a social worker."],
        H1=["No change."],
        H2=["Her social worker will keep helping the family.", "A family support worker visits for 2 hours a week."],
    )
    assert [f for f in found if f[0] == "SOC002"] == [
        ("SOC002", "H1", "No change."),
        ("SOC002", "H2", "Her social worker will keep helping the family."),
    ]


def test_every_sentence_of_a_d_without_assessment_or_needs_is_reported_but_not_an_amendment_note() -> None:
    d = [
        "Reviewed 3 March 2025 – no change",
        "Social care did not come to the planning meeting.",
        "Kai lives with his mum.",
    ]
    assert [f[2] for f in social_care(D=d) if f[0] == "SOC001"] == d[1:]


def test_a_none_that_was_not_assessed_is_no_finding_of_none() -> None:
    d = (
        "A social worker assessed Ben in May 2025 and found that he needs help to dress. "
        "Needs at night were not part of the assessment and are recorded as none."
    )
    assert [f[1] for f in social_care(D=[d], H1=["None."], H2=["None."]) if f[0] == "SOC002"] == ["H1", "H2"]


def test_h2_leaving_a_found_need_out_is_reported_but_not_a_condition() -> None:
    d = "A carer's assessment found that Ren needs breaks from caring for his sister."
    h2 = [
        "Ren goes to a carers' club every Thursday from 4 to 6 pm. His worker will call home if he does not come.",
        "Evening care for his sister has not been included, because his mum says they cope.",
    ]
    assert social_care(D=[d], H2=h2) == [("SOC002", "H2", h2[1])]


def test_a_need_that_is_declined_or_met_at_home_is_not_a_need() -> None:
    d = "A social worker assessed Ruby in May 2025; her parents meet her care needs, and they declined short breaks."
    assert social_care(D=[d], H1=["None."], H2=["None."]) == []


def test_provision_in_either_part_of_h_passes() -> None:
    d = ["Jayden needs help with personal care at home."]
    assert social_care(D=d, H1=["A personal assistant for 3 hours each Saturday."], H2=["None."]) == []


def test_signals_make_none_implausible_when_d_shows_no_assessment() -> None:
    found = social_care(A=["Lily is looked after under section 20."], D=["N/A"], H1=["N/A"], H2=["N/A"])
    assert ("SOC002", "H2", "N/A") in found


def test_not_known_to_service_is_not_advice_and_is_reported_once_per_place() -> None:
    found = social_care(
        D=["Amira is not known to Children's Social Care."], K=["Social care advice: not known to this service"]
    )
    assert [f for f in found if f[0] == "SOC004"] == [("SOC004", "D", "not known to"), ("SOC004", "K", "not known to")]


def test_k_without_any_social_care_advice() -> None:
    found = social_care(K=["Educational advice: Mr Reid, SENCo"], D=["A social worker assessed Sam."])
    assert found == [("SOC003", "K", "")]
