"""Errors that end a run with exit code 2 and one line on stderr.

Messages name the file and the problem, never the plan's words: plans hold personal data about children.
"""


class InputError(Exception):
    """The input cannot be read as a plan (missing, wrong type, corrupt, encrypted, scanned, too large)."""


class RuleError(Exception):
    """A rule or configuration file is invalid; the message names the file and the field."""
