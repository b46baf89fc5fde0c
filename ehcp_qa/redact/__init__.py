"""Redacted copies of plans for wider QA review groups and for parents' and young people's feedback.

`redact_file` and `redact_folder` are the entry points (the CLI's `ehcp-qa redact`); `RedactionReport` is what
they return and what is written beside each copy as `<copy>.redaction.json`.
"""

from ehcp_qa.redact.files import redact_file, redact_folder
from ehcp_qa.redact.report import RedactionReport, UnsurePlace

__all__ = ["RedactionReport", "UnsurePlace", "redact_file", "redact_folder"]
