"""CSV: a list's rows (every matching row, not a page) as a flat table. Nested objects become
dotted columns (lead.name), lists are joined with "; ". Text a spreadsheet would read as a formula
is prefixed with an apostrophe (OWASP "CSV injection"); numbers are left as they are."""

import csv
import io
from decimal import Decimal, InvalidOperation

from rest_framework.renderers import BaseRenderer

from safeguarding.text import strip_control_characters

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _is_number(text):
    try:
        Decimal(text)
    except (InvalidOperation, ValueError):
        return False
    return True


def cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        value = "; ".join(str(cell(item)) for item in value)
    if not isinstance(value, str):
        return value
    value = strip_control_characters(value) if value else value
    if value.startswith(FORMULA_STARTS) and not _is_number(value):
        return "'" + value
    return value


def flatten(row, prefix=""):
    flat = {}
    for key, value in row.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flatten(value, f"{name}."))
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            flat[name] = "; ".join(", ".join(f"{k}={cell(v)}" for k, v in flatten(item).items()) for item in value)
        else:
            flat[name] = cell(value)
    return flat


class CSVRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        if isinstance(data, dict) and isinstance(data.get("results"), list):
            data = data["results"]
        rows = data if isinstance(data, list) else [data]
        rows = [flatten(row) if isinstance(row, dict) else {"value": cell(row)} for row in rows]
        header = list(dict.fromkeys(key for row in rows for key in row))
        view = (renderer_context or {}).get("view")
        if not rows and view is not None and hasattr(view, "get_serializer"):
            header = list(view.get_serializer().fields)  # an empty table still has its columns
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=header, lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)
        return out.getvalue().encode(self.charset)
