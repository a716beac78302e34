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


# Limits on what an import reads. A milestone report is a few hundred rows and under twenty
# columns; an export of a 2,000-milestone plan with its history is about 10,000 rows. Each can be
# overridden in settings (IMPORT_MAX_ROWS...). They are checked while streaming, so a hostile
# file is refused after reading at most the limit, never after building what it declares.
IMPORT_LIMITS = {
    "IMPORT_MAX_BYTES": 5 * 1024 * 1024,  # the upload itself (the web form says 5 MB too)
    "IMPORT_MAX_UNZIPPED_BYTES": 50 * 1024 * 1024,  # all parts of an .xlsx, decompressed
    "IMPORT_MAX_ROWS": 20_000,  # per sheet
    "IMPORT_MAX_COLUMNS": 60,  # per row, counting to the last cell with a value
    # Cell elements in one row, with or without a value: a styled row of real plan is a few hundred at
    # most; millions of empty <c/> in a 24 KB file would make openpyxl build every one.
    "IMPORT_MAX_CELLS_PER_ROW": 2_000,
    # Cell formats (Excel's own limit is 65,490) and distinct strings in a workbook: each is an object
    # openpyxl builds before any row is read.
    "IMPORT_MAX_STYLES": 65_490,
    "IMPORT_MAX_STRINGS": 600_000,
}


def import_limit(name):
    from django.conf import settings

    return getattr(settings, name, IMPORT_LIMITS[name])


def _refuse(message):
    raise ImportRefused([Problem(0, "File", message)])


def _check_width(row, sheet, number, max_columns):
    width = len(row)
    while width and row[width - 1] in (None, ""):
        width -= 1
    if width > max_columns:
        _refuse(
            f"{sheet}row {number} has {width:,} columns; an import reads at most {max_columns:,} "
            "(remove the extra columns and try again)."
        )
    return list(row[:width])


def _too_many_rows(sheet, max_rows):
    _refuse(f"{sheet}has more than {max_rows:,} rows; an import reads at most {max_rows:,} (split the file).")


def _column_number(reference):
    number = 0
    for letter in reference:
        if not "A" <= letter <= "Z":
            break
        number = number * 26 + ord(letter) - 64
    return number


# More merged ranges than a plan's sheet could need (one per cell of 2,000 rows × 5 columns).
MAX_MERGED_RANGES = 10_000


def _merged_range(reference):
    """'E5:E7' -> (first column, first row, last column, last row) when it spans rows, else None."""
    from openpyxl.utils.cell import range_boundaries

    try:
        first_column, first_row, last_column, last_row = range_boundaries(reference)
    except (ValueError, TypeError):
        return None
    if None in (first_column, first_row, last_column, last_row) or last_row <= first_row:
        return None
    return first_column, first_row, last_column, last_row


class SheetRows(list):
    """A sheet's rows, with the ranges merged down several rows: (first column, first row, last column,
    last row), 1-based. The file keeps a merged range's text in its top cell only."""

    merged: tuple = ()


def _scan_sheet(source, label, max_rows, max_columns):
    """Count a sheet's real rows and the columns holding values, from its XML as it streams (expat,
    no cells built): refuses at the first row past max_rows or value past max_columns, however many
    rows and columns the sheet declares, or would make openpyxl pad out to. Returns the ranges merged
    down more than one row, within the columns read (openpyxl's streaming reader does not give them)."""
    from xml.parsers import expat

    parser = expat.ParserCreate()
    state = {"row": 0, "column": 0, "cells": 0}
    max_cells = import_limit("IMPORT_MAX_CELLS_PER_ROW")
    merged = []

    def start(name, attrs):
        local = name.rpartition(":")[2]
        if local == "mergeCell":
            span = _merged_range(attrs.get("ref", ""))
            if span is not None and span[0] <= max_columns:
                if len(merged) >= MAX_MERGED_RANGES:
                    _refuse(
                        f"{label}has more than {MAX_MERGED_RANGES:,} merged ranges; an import reads at most that "
                        "many (unmerge the cells and try again)."
                    )
                merged.append((span[0], span[1], min(span[2], max_columns), min(span[3], max_rows)))
        elif local == "row":
            reference = attrs.get("r", "")
            state["row"] = int(reference) if reference.isdigit() else state["row"] + 1
            state["column"] = state["cells"] = 0
            if state["row"] > max_rows:
                _too_many_rows(label, max_rows)
        elif local == "c":
            reference = attrs.get("r", "")
            state["column"] = _column_number(reference) if reference else state["column"] + 1
            state["cells"] += 1
            if state["cells"] > max_cells:
                _refuse(
                    f"{label}row {state['row']} has more than {max_cells:,} cells; an import reads at most "
                    f"{max_columns:,} columns (save the sheet again with only the plan's columns)."
                )
        elif local in ("v", "is", "f") and state["column"] > max_columns:
            width = state["column"]
            _refuse(
                f"{label}row {state['row']} has {width:,} columns; an import reads at most {max_columns:,} "
                "(remove the extra columns and try again)."
            )

    parser.StartElementHandler = start
    while chunk := source.read(1 << 16):
        parser.Parse(chunk, False)
    parser.Parse(b"", True)
    return merged


def _count_parts(archive):
    """Refuse a workbook whose styles or shared strings are more than a plan could need, counted as
    the XML streams (expat), before openpyxl builds an object for each."""
    from xml.parsers import expat

    limits = {
        "xf": (import_limit("IMPORT_MAX_STYLES"), "cell formats"),
        "si": (import_limit("IMPORT_MAX_STRINGS"), "different texts"),
    }
    for info in archive.infolist():
        # Every part but the sheets (scanned row by row later): the styles and strings parts may be named anything.
        if "worksheets/" in info.filename.lower() or info.is_dir():
            continue
        counts = dict.fromkeys(limits, 0)
        parser = expat.ParserCreate()

        def start(name, attrs, counts=counts):
            local = name.rpartition(":")[2]
            if local in counts:
                counts[local] += 1
                limit, words = limits[local]
                if counts[local] > limit:
                    _refuse(
                        f"this workbook has more than {limit:,} {words}; an import reads at most {limit:,} "
                        "(save it again as .csv)."
                    )

        parser.StartElementHandler = start
        with archive.open(info) as source:
            while chunk := source.read(1 << 16):
                parser.Parse(chunk, False)
        parser.Parse(b"", True)


def check_upload_size(content):
    limit = import_limit("IMPORT_MAX_BYTES")
    if len(content) > limit:
        _refuse(f"the file is {len(content) / 1024 / 1024:.1f} MB; the limit is {limit / 1024 / 1024:.0f} MB.")


def read_workbook(content):
    """Every sheet of an .xlsx as {title: [row values]}, in order, within the limits.

    Read-only (streamed) with the sheet's declared dimension ignored: a sheet claiming
    A1:XFD1048576 is read for the cells it really has, and refused as soon as it passes the row
    or column limit. The zip's parts are summed (as declared; zipfile never inflates a part past
    its declared size) before anything is decompressed.
    """
    import io
    import zipfile

    from openpyxl import load_workbook

    check_upload_size(content)
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unzipped = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise ImportRefused(
            [Problem(0, "File", f"this is not a readable .xlsx workbook ({error.__class__.__name__}).")]
        ) from error
    limit = import_limit("IMPORT_MAX_UNZIPPED_BYTES")
    if unzipped > limit:
        _refuse(
            f"this workbook unpacks to {unzipped / 1024 / 1024:,.0f} MB; an import reads at most "
            f"{limit / 1024 / 1024:.0f} MB (save it again without unused sheets, or as .csv)."
        )
    max_rows, max_columns = import_limit("IMPORT_MAX_ROWS"), import_limit("IMPORT_MAX_COLUMNS")
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            _count_parts(archive)
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        merged = {}
        for worksheet in workbook.worksheets:
            # _get_source() is how openpyxl's read-only sheet opens its own XML part.
            with worksheet._get_source() as source:
                merged[worksheet.title] = _scan_sheet(source, f"The sheet '{worksheet.title}' ", max_rows, max_columns)
        sheets = {}
        for worksheet in workbook.worksheets:
            worksheet.reset_dimensions()  # never trust <dimension ref=...>: read the cells there are
            label = f"The sheet '{worksheet.title}' "
            rows = []
            # The scan found no value past max_columns, so nothing is lost by not building wider rows.
            for number, row in enumerate(worksheet.iter_rows(max_col=max_columns, values_only=True), start=1):
                rows.append(_check_width(row, label, number, max_columns))
            sheets[worksheet.title] = SheetRows(rows)
            sheets[worksheet.title].merged = tuple(merged[worksheet.title])
        workbook.close()
    except ImportRefused:
        raise
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise ImportRefused(
            [Problem(0, "File", f"this is not a readable .xlsx workbook ({error.__class__.__name__}).")]
        ) from error
    if not sheets:
        _refuse("this workbook has no sheets.")
    return sheets


def read_csv(content):
    """A .csv as [row values] within the same limits, streamed."""
    import csv
    import io

    check_upload_size(content)
    text = decode_text(content)
    max_rows, max_columns = import_limit("IMPORT_MAX_ROWS"), import_limit("IMPORT_MAX_COLUMNS")
    rows = []
    try:
        try:
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        for number, row in enumerate(csv.reader(io.StringIO(text), dialect), start=1):
            if number > max_rows:
                _too_many_rows("The file ", max_rows)
            rows.append(_check_width(row, "The file's ", number, max_columns))
    except csv.Error as error:
        raise ImportRefused([Problem(0, "File", f"this could not be read as a CSV file ({error}).")]) from error
    return rows
