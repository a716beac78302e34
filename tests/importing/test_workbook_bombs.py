"""Tiny workbooks that would make openpyxl build millions of objects are refused before it does."""

import io
import re
import zipfile

import pytest
from openpyxl import Workbook

from plans.importing import ImportRefused, read_workbook


def plan_workbook():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Ref", "Action", "Milestone", "Lead", "Due", "Progress"])
    sheet.append(["1.1", "Stable workforce", "Recruit 12 social workers", "Tom Ashworth", "March 2010", "On track"])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def rewritten(content, part, change):
    """The workbook with one part's XML changed."""
    source, out = zipfile.ZipFile(io.BytesIO(content)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            target.writestr(info, change(data.decode()).encode() if info.filename == part else data)
    return out.getvalue()


def refusal(content):
    with pytest.raises(ImportRefused) as refused:
        read_workbook(content)
    return refused.value.problems[0].message


def test_a_row_of_empty_cell_elements_is_refused(settings):
    settings.IMPORT_MAX_CELLS_PER_ROW = 500
    bomb = rewritten(
        plan_workbook(),
        "xl/worksheets/sheet1.xml",
        lambda xml: xml.replace("</sheetData>", '<row r="3">' + "<c/>" * 600 + "</row></sheetData>"),
    )
    assert "row 3 has more than 500 cells" in refusal(bomb)
    # The same row with the cells a real sheet has is read.
    fine = rewritten(
        plan_workbook(),
        "xl/worksheets/sheet1.xml",
        lambda xml: xml.replace("</sheetData>", '<row r="3">' + "<c/>" * 40 + "</row></sheetData>"),
    )
    assert read_workbook(fine)["Sheet"][1][2] == "Recruit 12 social workers"


def test_a_styles_part_with_more_formats_than_excel_allows_is_refused(settings):
    settings.IMPORT_MAX_STYLES = 100

    def many_formats(xml):
        return re.sub(r"<cellXfs count=\"\d+\">", lambda m: m.group(0) + "<xf/>" * 150, xml)

    bomb = rewritten(plan_workbook(), "xl/styles.xml", many_formats)
    assert "more than 100 cell formats" in refusal(bomb)


def test_shared_strings_past_the_limit_are_refused_whatever_the_part_is_called(settings):
    settings.IMPORT_MAX_STRINGS = 50
    strings = (
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' + "<si><t/></si>" * 60 + "</sst>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(plan_workbook())) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            target.writestr(info, source.read(info))
        target.writestr("xl/words.xml", strings)
    assert "more than 50 different texts" in refusal(out.getvalue())
