"""Council workbooks for the import tests, built with openpyxl the way councils' sheets arrive:
title rows above the table, merged cells, statuses shown only as a cell's fill colour, a key below."""

import io

from openpyxl import Workbook
from openpyxl.styles import Color, PatternFill

# Excel's "Standard colours" row, which is what people pick from the fill bucket.
RED, AMBER, GREEN, BLUE = "FFFF0000", "FFFFC000", "FF00B050", "FF0070C0"
PALE_BAND = "FFDCE6F1"  # the pale blue of a banded table: a row style, never a rating


def solid(colour):
    """A solid fill: an "FFRRGGBB" string, or an openpyxl Color (theme or indexed)."""
    colour = colour if isinstance(colour, Color) else Color(rgb=colour)
    return PatternFill(fill_type="solid", fgColor=colour, bgColor=colour)


def save(workbook):
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


HEADINGS = ["Priority objective", "Ref", "Key action", "Milestone", "By when", "Lead", "Progress update", "RAG"]


def coloured_plan(rows, *, headings=HEADINGS, status_column="RAG", key=True, fills_beside=None):
    """A plan sheet whose status column has fills and (mostly) no text.

    rows: [cells..., status fill or None] -- the last item of each row is the status cell's fill
    (a colour for `solid`, or None), the cells before it the row's values.
    fills_beside: {row index: colour}: that row's action cell is filled too (a highlighted row).
    """
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Action plan"
    sheet.append(["Westmoor Safeguarding Children Partnership"])
    sheet.append(["Ofsted Improvement Plan - progress as at November 2011"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headings))
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(headings))
    sheet.append([])
    sheet.append(headings)
    sheet.cell(row=4, column=len(headings)).fill = solid("FF1F4E78")  # a dark heading cell: not a rating
    status_position = headings.index(status_column) + 1 if status_column in headings else None
    first = 5
    for index, row in enumerate(rows):
        *cells, colour = row
        sheet.append(cells)
        number = first + index
        if colour is not None:
            target = status_position or headings.index("Progress update") + 1
            sheet.cell(row=number, column=target).fill = solid(colour)
        if fills_beside and index in fills_beside:
            for column in range(1, len(headings) + 1):
                sheet.cell(row=number, column=column).fill = solid(fills_beside[index])
    last = first + len(rows) - 1
    # The objective is merged down over its actions' rows, as councils lay it out.
    merged_from = first
    for index, row in enumerate(rows[1:], start=1):
        if row[0]:
            if first + index - 1 > merged_from:
                sheet.merge_cells(start_row=merged_from, start_column=1, end_row=first + index - 1, end_column=1)
            merged_from = first + index
    if last > merged_from:
        sheet.merge_cells(start_row=merged_from, start_column=1, end_row=last, end_column=1)
    if key:
        # The key below the table: coloured cells beside their meanings. Not milestones.
        sheet.append([])
        sheet.append([])
        if key != "bare":
            sheet.append(["Key"])
        # A bare key sits under the status column, its colour in the status cell, its meaning beside.
        column = (status_position or len(headings)) if key == "bare" else 1
        for colour, meaning in ((BLUE, "Complete"), (GREEN, "On track"), (AMBER, "Some slippage"),
                                (RED, "Off track - needs support")):  # fmt: skip
            sheet.append([None] * column + [meaning])
            sheet.cell(row=sheet.max_row, column=column).fill = solid(colour)
    return save(workbook)
