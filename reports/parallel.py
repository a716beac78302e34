"""PDFs laid out on both cores.

The document is cut into pieces (the cover report, each appendix, and long tables in
chunks of whole actions); weasyprint lays each piece out in its own process; the
PDFs are joined and the running header and footer (council, title, "Page X of Y")
are stamped on afterwards, so page numbers count the whole document. Queries and
templates run here, in the calling process; the workers only lay out HTML.
"""

import io
import multiprocessing
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import replace

from django.template.loader import render_to_string

from . import pdf_worker, rendering

ROWS_PER_CHUNK = 250
# Pieces are laid out without margin boxes: the stamp adds them for the whole document.
NO_MARGIN_BOXES = "".join(
    f"@page {name} {{ @top-left {{ content: none; }} @top-right {{ content: none; }} "
    f"@bottom-left {{ content: none; }} @bottom-right {{ content: none; }} }} "
    for name in ("", "cover")
)


def pieces(parts, rows_per_chunk=ROWS_PER_CHUNK):
    """[(part, footer title)]: long reports cut into chunks of whole actions."""
    result = []
    for part in parts:
        chunks = part.report.chunks(rows_per_chunk) if part.chunked else [part.report]
        result += [(replace(part, report=chunk), part.label) for chunk in chunks]
    return result


def worth_splitting(parts):
    """Two cores pay off once there is more than one piece; a short report is quicker in one go."""
    return len(pieces(parts)) > 1


def piece_html(part, title):
    return rendering.render_html([part], title).replace("</style>", NO_MARGIN_BOXES + "</style>", 1)


def stamp_overlay(pages, council):
    """One PDF page per document page, blank but for its header and footer, at the same size.

    pages: [(size, title)]. Runs of pages sharing size and title share one @page rule,
    which keeps this quick however long the document.
    """
    import weasyprint

    runs = []
    for size, title in pages:
        if runs and runs[-1]["size"] == size and runs[-1]["title"] == title:
            runs[-1]["count"] += 1
        else:
            runs.append({"size": size, "title": title, "count": 1})
    for run in runs:
        run["pages"] = range(run["count"])
    html = render_to_string("reports/page_stamps.html", {"runs": runs, "council": council})
    return weasyprint.HTML(string=html).write_pdf()


def render_parts_pdf(parts, title, *, council, workers=2, on_progress=None):
    """-> (pdf bytes, page count)."""
    documents = [(n, piece_html(part, title), label) for n, (part, label) in enumerate(pieces(parts))]
    results = {}
    if workers <= 1 or multiprocessing.current_process().daemon:
        # One worker asked for (a PDF worker kept to one core), or a Celery prefork child, which may
        # not start processes: lay the pieces out here, one by one.
        for done, (n, html, _) in enumerate(documents, start=1):
            results[n] = pdf_worker.layout(html)
            if on_progress:
                pages = sum(len(sizes) for _, sizes in results.values())
                on_progress(f"Laid out {done} of {len(documents)} pieces", pages)
        return _join(documents, results, council, title)
    context = multiprocessing.get_context("spawn")  # no forked copies of database connections
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        # Longest first, so the cores finish together.
        futures = {
            pool.submit(pdf_worker.layout, html): n for n, html, _ in sorted(documents, key=lambda d: -len(d[1]))
        }
        for done, future in enumerate(as_completed(futures), start=1):
            results[futures[future]] = future.result()
            if on_progress:
                pages = sum(len(sizes) for _, sizes in results.values())
                on_progress(f"Laid out {done} of {len(documents)} pieces", pages)
    return _join(documents, results, council, title)


def _join(documents, results, council, title):
    """Join the pieces' PDFs in order and stamp the running header and footer on every page.

    pypdf keeps the bookmarks but drops each piece's structure tree: the result is not a tagged
    PDF (packs are laid out in one tagged pass instead); it keeps the language and title."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject, TextStringObject

    writer = PdfWriter()
    stamps = []
    for n, _, label in documents:
        content, sizes = results[n]
        writer.append(PdfReader(io.BytesIO(content)))
        stamps += [(size, label) for size in sizes]
    overlay = PdfReader(io.BytesIO(stamp_overlay(stamps, council)))
    for page, stamp in zip(writer.pages, overlay.pages, strict=True):
        page.merge_page(stamp)
    writer.add_metadata({"/Title": title})
    writer._root_object[NameObject("/Lang")] = TextStringObject("en-GB")
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue(), len(stamps)


def render_pack_pdf(pack, workers=2, on_progress=None):
    council = pack.plan.organisation or pack.plan.name
    return render_parts_pdf(
        rendering.pack_parts(pack), pack.report_title, council=council, workers=workers, on_progress=on_progress
    )
