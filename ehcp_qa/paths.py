"""Where the bundled rule files are: inside the installed package (a wheel puts rules/ at ehcp_qa/rules), or the
checkout's top-level rules/ (an editable install, or running from the source tree)."""

from __future__ import annotations

from pathlib import Path

_PACKAGED = Path(__file__).resolve().parent / "rules"
_CHECKOUT = Path(__file__).resolve().parent.parent / "rules"
RULES_DIR = _PACKAGED if _PACKAGED.is_dir() else _CHECKOUT
