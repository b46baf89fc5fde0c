"""Segmentation on hand-built block sequences, one per template layout in the primer."""

from __future__ import annotations

from pathlib import Path

import pytest

from ehcp_qa.errors import RuleError
from ehcp_qa.model import Block, Document, Location
from ehcp_qa.segment import segment
from ehcp_qa.vocabulary import default_vocabulary, load_vocabulary


def doc(*items: str | tuple) -> Document:
    """Strings are body paragraphs; ("h", text) a heading; ("b", text) a bold paragraph;
    ("cell", table, row, cell, text) a table-cell paragraph."""
    blocks = []
    for index, item in enumerate(items):
        if isinstance(item, str):
            blocks.append(Block(item, "paragraph", Location(index)))
        elif item[0] == "h":
            blocks.append(Block(item[1], "heading", Location(index), style="Heading 1"))
        elif item[0] == "b":
            blocks.append(Block(item[1], "paragraph", Location(index), bold=True))
        else:
            _, table, row, cell, text = item
            blocks.append(Block(text, "table_cell", Location(index, table=table, row=row, cell=cell)))
    return Document(path="plan.docx", kind="docx", blocks=tuple(blocks))


def texts(plan, section_id: str) -> list[str]:
    section = plan.section(section_id)
    assert section is not None, f"section {section_id} not found; found {plan.section_ids}"
    return [b.text for b in section.blocks]


@pytest.mark.parametrize(
    "heading, expected",
    [
        ("Section A: The views, interests and aspirations of Ava and her parents", "A"),
        ("SECTION B - SPECIAL EDUCATIONAL NEEDS", "B"),
        ("3. SECTION C - HEALTH NEEDS", "C"),
        ("Section D – Social care needs", "D"),
        ("section e outcomes", "E"),
        ("Part 2 - My special educational needs (Section B)", "B"),
        ("All about me", "A"),
        ("What is important to me", "A"),
        ("My health needs", "C"),
        ("Special Educational Provision", "F"),
        ("Health provision", "G"),
        (
            "Section H1: Social care provision under section 2 of the Chronically Sick and Disabled Persons Act 1970",
            "H1",
        ),
        ("Section H2", "H2"),
        ("Name and type of school", "I"),
        ("Personal Budget", "J"),
        ("Advice and information gathered during the EHC needs assessment", "K"),
        ("Specail educational needs", "B"),  # a typo still matches
        ("What help will I get at school? (F)", "F"),
        ("C. Health needs related to special educational needs", "C"),
        ("Support for my learning", "F"),
        ("Help with my health", "G"),
        ("Where I learn", "I"),
        ("The outcomes we are working towards", "E"),
        ("Help from social care (Sections H1 and H2)", "H"),
        ("My health – Section C", "C"),
        ("Where I will study: Section I", "I"),
        ("Social care support for disabled children – Section H1", "H1"),
        ("(H1) Social care provision under section 2 of the Chronically Sick and Disabled Persons Act 1970", "H1"),
        ("I. School", "I"),
        ("My health (part C of my plan)", "C"),
    ],
)
def test_heading_layouts(heading: str, expected: str) -> None:
    plan = segment(doc(("b", heading), "Body text here."))
    assert plan.section_ids == (expected,)
    assert plan.sections[0].title == heading
    assert texts(plan, expected) == ["Body text here."]


@pytest.mark.parametrize(
    "sentence",
    [
        "Section F will be reviewed at the annual review.",
        "Section C sets out his health needs.",
        "Section D has not been completed, so no social care needs are recorded for her special educational needs.",
        "The provision in section F is agreed by the school.",
        "Ava likes to talk about her health needs and her new glasses.",
        "My health is good most of the time.",
    ],
)
def test_body_sentences_are_not_headings(sentence: str) -> None:
    plan = segment(doc(("h", "Section A: All about me"), sentence))
    assert plan.section_ids == ("A",)
    assert texts(plan, "A") == [sentence]


@pytest.mark.parametrize(
    "line",
    ["Borough of Ashbridge - Special Educational Needs Service", "My Education, Health and Care Plan", "a) Speech"],
)
def test_title_page_lines_are_not_headings(line: str) -> None:
    plan = segment(doc(("b", line), ("h", "Section A: All about me"), "Ava likes horses."))
    assert plan.section_ids == ("A",)
    assert [b.text for b in plan.preamble] == [line]


def test_labelled_list_line_in_k_is_content_not_a_heading() -> None:
    line = Block("Social care advice: Early Help assessment, April 2025", "list_item", Location(3))
    plan = segment(
        Document("plan.docx", "docx", (
            Block("Section H1: CSDPA provision", "heading", Location(0)), Block("None.", "paragraph", Location(1)),
            Block("Section K: Advice and information", "heading", Location(2)), line,
        ))
    )  # fmt: skip
    assert plan.section("K").blocks == (line,)


def test_heading_styled_title_with_a_colon_is_still_a_heading() -> None:
    plan = segment(doc(("h", "How I learn and communicate: my special educational needs"), "Dan reads slowly."))
    assert plan.section_ids == ("B",)


def test_sub_heading_echoing_its_own_section_stays_content() -> None:
    plan = segment(doc(("h", "Section A: Views"), ("h", "About me"), "Ava likes horses.", ("h", "Section B")))
    assert texts(plan, "A") == ["About me", "Ava likes horses."]


def test_out_of_order_and_missing_sections_are_kept_as_given() -> None:
    plan = segment(doc(("h", "Section E: Outcomes"), "Outcome one.", ("h", "Section B: Needs"), "Need one."))
    assert plan.section_ids == ("E", "B")
    assert plan.section("C") is None


def test_undivided_h_with_parts() -> None:
    plan = segment(
        doc(
            ("h", "Section H: Social care provision"),
            "H1:",
            "Short breaks of 3 hours every Saturday.",
            "H2: None identified at this time because the family has declined further support from the team.",
            ("h", "Section I: Placement"),
        )
    )
    assert plan.section_ids == ("H1", "H2", "I")
    assert texts(plan, "H1") == ["Short breaks of 3 hours every Saturday."]
    assert texts(plan, "H2")[0].startswith("H2: None identified")


def test_undivided_h_without_parts_stays_h() -> None:
    plan = segment(doc(("h", "Section H: Social care provision"), "No social care provision is needed."))
    assert plan.section_ids == ("H",)
    assert plan.section("H1") is plan.section("H")


def test_short_lettered_title_in_a_first_cell_opens_its_section_but_a_lettered_list_item_does_not() -> None:
    plan = segment(
        doc(
            ("cell", 0, 0, 0, "H2. Other social care provision"),
            ("cell", 0, 0, 1, "None."),
            ("cell", 1, 0, 0, "I. School"),
            ("cell", 1, 0, 1, "Holmbury Lane Primary School."),
            ("cell", 1, 1, 0, "a) Reading"),
            ("cell", 1, 1, 1, "Daily phonics."),
        )
    )
    assert plan.section_ids == ("H2", "I")
    assert texts(plan, "I") == ["Holmbury Lane Primary School.", "a) Reading", "Daily phonics."]


def test_word_headings_with_the_letter_apart_from_the_title() -> None:
    plan = segment(
        doc(
            ("h", "Social care needs D"),  # "Social care needs<tab>D", the letter against the right margin
            "No needs.",
            ("h", "H1 Social care provision under section 2 of the Chronically Sick and Disabled Persons Act 1970"),
            "None.",
            ("h", "C and G Health needs and health provision"),
            "Sam has asthma.",
        )
    )
    assert plan.section_ids == ("D", "H1", "C", "G")
    assert texts(plan, "H1") == ["None."]


def test_run_in_heading_opens_its_section_and_keeps_the_rest_of_the_paragraph() -> None:
    run_in = "Section D – Social care needs. A social worker assessed Tilly in May 2025."
    lead = len("Section D – Social care needs.")
    blocks = (
        Block("Section C – Health needs. Tilly has asthma.", "paragraph", Location(0), bold_lead=25),
        Block(run_in, "paragraph", Location(1), bold_lead=lead),
        Block("Section 20 of the Children Act applies.", "paragraph", Location(2), bold_lead=len("Section 20")),
    )
    plan = segment(Document(path="plan.docx", kind="docx", blocks=blocks))
    assert plan.section_ids == ("C", "D")
    assert texts(plan, "D") == [
        "A social worker assessed Tilly in May 2025.",
        "Section 20 of the Children Act applies.",
    ]
    assert plan.section("D").blocks[0].location.index == 1


def test_outcome_and_provision_sub_headings_under_sections_e_and_f() -> None:
    plan = segment(
        doc(
            ("h", "Sections E and F - Outcomes and the provision that will help Maya"),
            ("b", "Outcome 1: Reading"),
            "By July 2026, Maya will read 70 words a minute.",
            ("b", "Provision for outcome 1"),
            "Daily 20-minute reading session with her teaching assistant.",
            ("b", "Outcome 2: Writing"),
            "By July 2026, Maya will type 15 words a minute.",
        )
    )
    assert texts(plan, "E") == [
        "Outcome 1: Reading",
        "By July 2026, Maya will read 70 words a minute.",
        "Outcome 2: Writing",
        "By July 2026, Maya will type 15 words a minute.",
    ]
    assert texts(plan, "F") == [
        "Provision for outcome 1",
        "Daily 20-minute reading session with her teaching assistant.",
    ]


def test_a_lower_level_word_heading_under_a_section_is_a_sub_heading() -> None:
    blocks = (
        Block("Section F: Special educational provision", "heading", Location(0), style="Heading 1"),
        Block("Work placement", "heading", Location(1), style="Heading 2"),
        Block("A job coach will visit Maddie for 30 minutes each week.", "paragraph", Location(2)),
        Block("Placement", "heading", Location(3), style="Heading 1"),
        Block("Sorrelby College.", "paragraph", Location(4)),
    )
    plan = segment(Document(path="plan.docx", kind="docx", blocks=blocks))
    assert plan.section_ids == ("F", "I")
    assert texts(plan, "F") == ["Work placement", "A job coach will visit Maddie for 30 minutes each week."]


def test_heading_in_first_table_cell() -> None:
    plan = segment(
        doc(
            ("cell", 0, 0, 0, "Section C: Health needs"),
            ("cell", 0, 1, 0, "Ava has epilepsy."),
            ("cell", 1, 0, 0, "Section D: Social care needs"),
            ("cell", 1, 1, 0, "Ava has a social worker."),
        )
    )
    assert plan.section_ids == ("C", "D")
    assert texts(plan, "D") == ["Ava has a social worker."]


def test_a_sentence_in_a_first_cell_is_a_row_not_a_heading() -> None:
    """An outcome that uses a title's words ("support", "learning") is still a row of the outcomes table."""
    plan = segment(
        doc(
            ("b", "SECTION E - OUTCOMES"),
            ("cell", 0, 0, 0, "Outcome"),
            ("cell", 0, 0, 1, "By when"),
            ("cell", 0, 1, 0, "Ava will continue to receive support from her learning support assistant."),
            ("cell", 0, 1, 1, "July 2026"),
            ("b", "SECTION F - SPECIAL EDUCATIONAL PROVISION"),
            "Phonics for 20 minutes a day.",
        )
    )
    assert plan.section_ids == ("E", "F")
    assert texts(plan, "E")[-2:] == [
        "Ava will continue to receive support from her learning support assistant.",
        "July 2026",
    ]
    assert texts(plan, "F") == ["Phonics for 20 minutes a day."]


def test_combined_e_and_f_table_splits_by_column_and_keeps_rows() -> None:
    plan = segment(
        doc(
            ("h", "Sections E and F: Outcomes and provision"),
            ("cell", 0, 0, 0, "Need"),
            ("cell", 0, 0, 1, "Outcome"),
            ("cell", 0, 0, 2, "Provision"),
            ("cell", 0, 0, 3, "Frequency"),
            ("cell", 0, 0, 4, "Who"),
            ("cell", 0, 1, 0, "Ava finds it hard to share."),
            ("cell", 0, 1, 1, "By July 2026 Ava will take turns in a game of four."),
            ("cell", 0, 1, 2, "Social skills group of four pupils."),
            ("cell", 0, 1, 3, "30 minutes weekly"),
            ("cell", 0, 1, 4, "Teaching assistant trained by SALT"),
        )
    )
    assert texts(plan, "E") == ["By July 2026 Ava will take turns in a game of four."]
    assert texts(plan, "F") == [
        "Social skills group of four pupils.",
        "30 minutes weekly",
        "Teaching assistant trained by SALT",
    ]
    assert texts(plan, "B") == ["Ava finds it hard to share."]
    outcome, provision = plan.section("E").blocks[0], plan.section("F").blocks[0]
    assert (outcome.location.table, outcome.location.row) == (
        provision.location.table,
        provision.location.row,
    )


def test_combined_table_continued_without_header_keeps_column_roles() -> None:
    plan = segment(
        doc(
            ("h", "Section E and F"),
            ("cell", 0, 0, 0, "Need"), ("cell", 0, 0, 1, "Outcome"), ("cell", 0, 0, 2, "Provision"),
            ("cell", 0, 1, 0, "Reads slowly."), ("cell", 0, 1, 1, "Reads 50 words by July."),
            ("cell", 0, 1, 2, "Daily phonics, 20 minutes."),
            ("cell", 1, 0, 0, "Hard to share."), ("cell", 1, 0, 1, "Takes turns by July."),
            ("cell", 1, 0, 2, "Weekly group of four."),
        )
    )  # fmt: skip
    assert texts(plan, "E") == ["Reads 50 words by July.", "Takes turns by July."]
    assert texts(plan, "F") == ["Daily phonics, 20 minutes.", "Weekly group of four."]


def test_row_labelled_outcome_and_provision_table_splits_by_row() -> None:
    plan = segment(
        doc(
            ("h", "Sections E and F: Communication and interaction"),
            ("cell", 0, 0, 0, "Outcome"), ("cell", 0, 0, 1, "By July 2026 Ava will ask for help in class."),
            ("cell", 0, 1, 0, "Steps towards it"), ("cell", 0, 1, 1, "By Easter Ava will use a help card."),
            ("cell", 0, 2, 0, "Provision"), ("cell", 0, 2, 1, "A help card taught by her TA."),
            ("cell", 0, 3, 0, "How often"), ("cell", 0, 3, 1, "Daily, 10 minutes."),
        )
    )  # fmt: skip
    assert texts(plan, "E") == ["By July 2026 Ava will ask for help in class.", "By Easter Ava will use a help card."]
    assert texts(plan, "F") == ["A help card taught by her TA.", "Daily, 10 minutes."]


def test_provision_table_with_an_area_column_stays_in_f() -> None:
    plan = segment(
        doc(
            ("h", "Section F: Provision"),
            ("cell", 0, 0, 0, "Area of need"), ("cell", 0, 0, 1, "Provision"), ("cell", 0, 0, 2, "Frequency"),
            ("cell", 0, 1, 0, "Cognition and learning"), ("cell", 0, 1, 1, "Phonics"), ("cell", 0, 1, 2, "Daily"),
        )
    )  # fmt: skip
    assert plan.section_ids == ("F",)
    assert texts(plan, "F")[-3:] == ["Cognition and learning", "Phonics", "Daily"]


def test_health_provision_table_is_not_split_into_other_sections() -> None:
    plan = segment(
        doc(
            ("h", "Section G: Health provision"),
            ("cell", 0, 0, 0, "Need"),
            ("cell", 0, 0, 1, "Provision"),
            ("cell", 0, 0, 2, "Who"),
            ("cell", 0, 1, 0, "Seizures"),
            ("cell", 0, 1, 1, "Care plan"),
            ("cell", 0, 1, 2, "Epilepsy nurse"),
        )
    )
    assert plan.section_ids == ("G",)
    assert len(texts(plan, "G")) == 6


def test_personal_details_table_is_metadata_not_a_section() -> None:
    plan = segment(
        doc(
            ("cell", 0, 0, 0, "Name"),
            ("cell", 0, 0, 1, "Ava Jones"),
            ("cell", 0, 0, 2, "Date of birth"),
            ("cell", 0, 0, 3, "14/02/2011"),
            ("cell", 0, 1, 0, "Year group"),
            ("cell", 0, 1, 1, "Year 9"),
            ("cell", 0, 1, 2, "Date of issue"),
            ("cell", 0, 1, 3, "1 September 2025"),
            "Date of request for assessment: 3 March 2025",
            ("h", "Section A: All about me"),
            "Ava likes horses.",
        )
    )
    assert plan.section_ids == ("A",)
    meta = plan.metadata
    assert meta.child_name == "Ava Jones"
    assert meta.date_of_birth == "14/02/2011"
    assert meta.year_group == 9
    assert meta.age == 14
    assert meta.date_issued == "1 September 2025"
    assert meta.date_of_request == "3 March 2025"
    assert ("Name", "Ava Jones") in meta.fields
    assert len(plan.preamble) == 9


def test_details_lines_with_the_birth_date_after_the_name_and_the_year_after_the_setting() -> None:
    plan = segment(
        doc(
            "Young person: Priya Shah, born 5 July 2008",
            "College: Kelsford College, Year 12",
            "Issued: 28 January 2025",
            ("h", "Section A: All about me"),
            "Priya likes art.",
        )
    )
    meta = plan.metadata
    assert (meta.child_name, meta.date_of_birth) == ("Priya Shah", "5 July 2008")
    assert (meta.year_group, meta.age, meta.date_issued) == (12, 16, "28 January 2025")


def test_column_labels_of_a_table_that_opens_the_next_section_belong_to_neither() -> None:
    plan = segment(
        doc(
            ("cell", 0, 0, 0, "Section"),
            ("cell", 0, 0, 1, "Details"),
            ("cell", 0, 1, 0, "H1. Social care provision"),
            ("cell", 0, 1, 1, "N/A"),
            ("cell", 1, 0, 0, "Section"),
            ("cell", 1, 0, 1, "Details"),
            ("cell", 1, 1, 0, "H2. Other social care provision"),
            ("cell", 1, 1, 1, "None identified."),
            ("cell", 2, 0, 0, "Section"),
            ("cell", 2, 0, 1, "Details"),
            ("cell", 2, 1, 0, "I. School"),
            ("cell", 2, 1, 1, "Holmbury Lane Primary School."),
        )
    )
    assert plan.section_ids == ("H1", "H2", "I")
    expected = [["N/A"], ["None identified."], ["Holmbury Lane Primary School."]]
    assert [texts(plan, s) for s in plan.section_ids] == expected


def test_contents_page_does_not_steal_titles_or_order() -> None:
    plan = segment(
        doc(
            "Contents",
            "Section A: All about me",
            "Section B: My needs",
            ("h", "Section A: All about me"),
            "Ava likes horses.",
            ("h", "Section B: My needs"),
            "Ava reads slowly.",
        )
    )
    assert plan.section_ids == ("A", "B")
    assert texts(plan, "A") == ["Ava likes horses."]


def test_a_letter_without_sections_has_none() -> None:
    plan = segment(doc("Dear Mr Smith,", "Thank you for your letter about the school bus.", "Yours sincerely,"))
    assert plan.sections == ()
    assert len(plan.preamble) == 3


def test_vocabulary_errors_name_file_and_field(tmp_path: Path) -> None:
    bad = tmp_path / "sections.yaml"
    bad.write_text("version: 1\nsections:\n  Z:\n    titles: [nonsense]\n", encoding="utf-8")
    with pytest.raises(RuleError, match=r"sections\.yaml: sections\.Z"):
        load_vocabulary(bad)
    bad.write_text("version: 1\nsections:\n  A:\n    titles: [1, '']\n", encoding="utf-8")
    with pytest.raises(RuleError, match=r"sections\.A\.titles"):
        load_vocabulary(bad)


def test_default_vocabulary_covers_every_section() -> None:
    ids = {section_id for _, section_id in default_vocabulary().titles}
    assert ids == {"A", "B", "C", "D", "E", "F", "G", "H", "H1", "H2", "I", "J", "K"}
