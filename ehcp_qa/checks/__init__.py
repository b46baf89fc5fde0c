"""The check types rules bind to by `type:`: one small module per kind of check."""

from __future__ import annotations

from ehcp_qa.checks.advice import ADVICE
from ehcp_qa.checks.base import CheckType
from ehcp_qa.checks.jargon import JARGON
from ehcp_qa.checks.lexicon import LEXICON
from ehcp_qa.checks.medical import MEDICAL
from ehcp_qa.checks.need_provision import NEED_PROVISION
from ehcp_qa.checks.outcome import OUTCOME
from ehcp_qa.checks.pfa import PFA
from ehcp_qa.checks.provision import PROVISION
from ehcp_qa.checks.social_care import SOCIAL_CARE
from ehcp_qa.checks.structure import PRESENCE, SHAPE

CHECK_TYPES: dict[str, CheckType] = {
    "lexicon": LEXICON,
    "medical-term": MEDICAL,
    "outcome": OUTCOME,
    "provision-quantity": PROVISION,
    "social-care": SOCIAL_CARE,
    "sections-present": PRESENCE,
    "plan-shape": SHAPE,
    "advice-listed": ADVICE,
    "pfa-outcomes": PFA,
    "need-provision": NEED_PROVISION,
    "abbreviation": JARGON,
}
