"""Lays out one HTML document in a worker process. Imports no Django: it only needs the HTML."""


def layout(html: str, options=None):
    """-> (pdf bytes, [(width, height) of each page in points], rows where a page broke inside an
    action's part (see broken_rows), how full its last page is (see last_page_fill)); options:
    write_pdf's (the PDF/UA variant)."""
    import weasyprint

    document = weasyprint.HTML(string=html).render()
    sizes = [(page.width * 0.75, page.height * 0.75) for page in document.pages]  # CSS px -> pt
    return document.write_pdf(**(options or {})), sizes, broken_rows(document), last_page_fill(document)


def last_page_fill(document) -> float:
    """How far down its content area the last page is used, 0 to 1: from the bottom of its lowest box."""
    page = document.pages[-1]._page_box
    top, height = page.content_box_y(), page.height
    bottom = top
    stack = list(getattr(page, "children", None) or [])
    while stack:
        box = stack.pop()
        children = getattr(box, "children", None)
        if children:
            stack += children
        elif getattr(box, "position_y", None) is not None:
            bottom = max(bottom, box.position_y + box.margin_height())
    return max(0.0, min(1.0, (bottom - top) / height)) if height else 1.0


def broken_rows(document):
    """[(action ref, milestone index)]: the first row on a page of an action's part begun on an earlier
    page. weasyprint keeps a part on one page where it can, but breaks the table's first part when the
    table starts low on a page, and then does not repeat the row-spanning action cell.

    Rows carry data-row="<ref>|<part start>|<index>" (templates/reports/partials/milestones.html)."""
    seen, broken = {}, []
    for number, page in enumerate(document.pages):
        stack = [page._page_box]
        while stack:
            box = stack.pop()
            element = getattr(box, "element", None)
            if type(box).__name__ == "TableRowBox" and element is not None and element.get("data-row"):
                ref, start, index = element.get("data-row").rsplit("|", 2)
                first = seen.setdefault((ref, start), number)
                if first != number:
                    broken.append((ref, start, int(index), number))
                continue
            stack += reversed(getattr(box, "children", None) or [])
    # The first row of each part on each later page (rows are met in page order).
    result, done = [], set()
    for ref, start, index, number in broken:
        if (ref, start, number) not in done:
            done.add((ref, start, number))
            result.append((ref, index))
    return result
