"""What every spreadsheet import shares: its refusal, its problems in words, reading text."""

import re
from dataclasses import dataclass


class ImportRefused(Exception):
    def __init__(self, problems):
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s); nothing was imported.")


@dataclass
class Problem:
    row: int
    column: str
    message: str

    def __str__(self):
        return f"Row {self.row}, {self.column}: {self.message}" if self.row else f"{self.column}: {self.message}"


def decode_text(content):
    """Spreadsheet programs save CSV as UTF-8 or as Windows-1252; Latin-1 reads anything left."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    return content.decode("latin-1")


def normalise(cell):
    return re.sub(r"\s+", " ", str(cell or "")).strip().lower().rstrip(":")
