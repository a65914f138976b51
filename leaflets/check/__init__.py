"""Check PDFs: the PDF/UA-1 conditions a program can verify, and our reading rules.

Each condition carries its Matterhorn Protocol 1.1 failure-condition number
(e.g. "06-001"). A few conditions have no Matterhorn number because they are
prerequisites from ISO 32000-1 (PDF) or PDF/UA-1 itself, or hold a file to
what ISO 32000-1 says it means (tagged text inside each page's /ArtBox); they
carry that clause instead ("PDF:14.7.4.4", "UA1:7.1", "PDF:14.11.2"). Our own
leaflets (recognised by the XMP property leaflet:format) are also checked
against the large-print ("LP-…") and easy-read ("ER-…") rules of
reading-standards.md, and all text against WCAG 1.4.6 contrast.

facts.py reads a PDF once with pikepdf (no second reader) into frozen `Facts`:
the structure tree (tree.py) and the page content (content.py: marked content,
graphics and text state, fonts and colours), well under 100 ms for a leaflet.
The rules (rules_ua.py, rules_reading.py) are plain functions of those facts,
registered in rules.py. report.py is the command line: a report per file, an
exit code, and an optional cache keyed by each file's sha256.

`check(data)` and `check_pdf(data)` are pure: bytes in, findings out.
"""
# Importing a rule module registers its rules; reports list the conditions in this order.
from . import rules_ua  # noqa: F401  # isort: skip
from . import rules_reading  # noqa: F401  # isort: skip
from .report import Result, check, check_files, check_pdf, checker_version, format_report
from .rules import RULES as CONDITION
from .rules import Finding

__all__ = ["CONDITION", "Finding", "Result", "check", "check_files", "check_pdf", "checker_version",
           "format_report"]
