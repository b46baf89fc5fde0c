"""ehcp-qa: quality-assure Education, Health and Care Plans, offline."""

__version__ = "0.1.0"
