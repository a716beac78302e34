"""PDFs laid out in pieces, on both cores, and rebuilt quickly.

The document is cut into pieces (the cover report, each appendix, and long tables in
chunks of whole actions); weasyprint lays each piece out as a tagged PDF in its own process;
the PDFs are joined into one tagged PDF with one structure tree (reports/pdf_join.py) and the
running header and footer (council, title, "Page X of Y") are stamped on afterwards, so page
numbers count the whole document. Pieces are kept by a hash of their HTML
(reports/piece_cache.py): a rebuild lays out only the pieces that changed, then rejoins and
restamps. Queries and templates run here, in the calling process; the workers only lay out HTML.
"""

import multiprocessing
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import replace

from django.template.loader import render_to_string

from . import pdf_join, pdf_worker, piece_cache, rendering

# Rows of a long table laid out as one piece, on average (cuts fall between half and twice as many):
# few enough that one edit lays out a few pages again. Each piece starts on a new page, so smaller
# pieces cost paper: a plan's size picks between the two (a plan crossing SMALL_TABLE_ROWS is laid
# out afresh once, as its cuts move).
ROWS_PER_CHUNK = 60
SMALL_ROWS_PER_CHUNK = 20
SMALL_TABLE_ROWS = 500
# Pieces are laid out without margin boxes: the stamp adds them for the whole document.
NO_MARGIN_BOXES = "".join(
    f"@page {name} {{ @top-left {{ content: none; }} @top-right {{ content: none; }} "
    f"@bottom-left {{ content: none; }} @bottom-right {{ content: none; }} }} "
    for name in ("", "cover")
)


def chunk_rows(report):
    """Rows per piece for a long table, by its number of rows."""
    rows = getattr(report, "milestone_count", None)
    rows = len(report.rows) if rows is None else rows
    return SMALL_ROWS_PER_CHUNK if rows <= SMALL_TABLE_ROWS else ROWS_PER_CHUNK


def pieces(parts, rows_per_chunk=None):
    """[(part, footer title)]: long reports cut into chunks of whole actions."""
    result = []
    for part in parts:
        chunks = part.report.chunks(rows_per_chunk or chunk_rows(part.report)) if part.chunked else [part.report]
        result += [(replace(part, report=chunk), part.label) for chunk in chunks]
    return result


def worth_splitting(parts):
    """Two cores pay off once there is more than one piece; a short report is quicker in one go."""
    return len(pieces(parts)) > 1


def piece_html(part, label):
    """The piece as a document of its own, titled by its label, not by the whole document's title:
    the joined PDF gets its title and properties at the join, so renaming a pack lays nothing out again."""
    return rendering.render_html([part], label).replace("</style>", NO_MARGIN_BOXES + "</style>", 1)


def stamp_overlay(pages, council, cache=None):
    """One PDF page per document page, blank but for its header and footer, at the same size.

    pages: [(size, title)]. Runs of pages sharing size and title share one @page rule,
    which keeps this quick however long the document; kept in the piece cache, as a rebuild
    that changes no page count stamps the same pages.
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
    name = piece_cache.key(html, {"stamp": True})
    content = cache.get(name) if cache else None
    if content is None:
        content = weasyprint.HTML(string=html).write_pdf()
        if cache:
            cache.put(name, content)
    return content


# A chunk whose last page is emptier than this is joined to the next chunk of the same table and laid
# out again, so no page ends more than about a third empty where a chunk ended (a table's own end may).
MIN_LAST_PAGE_FILL = 0.65


def merge_thin_chunks(piece_parts, fills):
    """[(part, label, table)] with each chunk whose last page is under MIN_LAST_PAGE_FILL joined to the
    next chunk of the same table (None when there is none to join). The joined piece begins as the thin
    chunk did, so its pages match that chunk's up to where the next one's rows now follow on."""
    result, joined, n = [], False, 0
    while n < len(piece_parts):
        part, label, table = piece_parts[n]
        if fills[n] < MIN_LAST_PAGE_FILL and n + 1 < len(piece_parts) and piece_parts[n + 1][2] == table:
            result.append((replace(part, report=part.report.joined_with(piece_parts[n + 1][0].report)), label, table))
            joined, n = True, n + 2
        else:
            result.append(piece_parts[n])
            n += 1
    return result if joined else None


def render_parts_pdf(parts, title, *, council, workers=2, on_progress=None, cache=None):
    """-> (pdf bytes, page count): a tagged PDF (PDF/UA-1) with one structure tree.

    Pieces found in the cache (same HTML, same weasyprint and fonts) are not laid out again. A chunk
    that ends with a thin page is joined to the next and the two laid out as one (merge_thin_chunks)."""
    options = rendering.PDF_OPTIONS
    # (piece, its footer label, the number of the part it is cut from)
    piece_parts = [(piece, label, number) for number, part in enumerate(parts) for piece, label in pieces([part])]
    laid = {}  # this build's pieces: key -> (content, fill of its last page)
    while True:
        documents = [(piece_html(part, label), label) for part, label, _ in piece_parts]
        names = [piece_cache.key(html, options) for html, _ in documents]
        _lay_out(piece_parts, documents, names, laid, options, workers, on_progress, cache)
        joined = merge_thin_chunks(piece_parts, [laid[name][1] for name in names])
        if joined is None:
            break
        piece_parts = joined
    if on_progress:
        on_progress(f"Joining {len(documents)} pieces", None)
    return pdf_join.join(
        [(laid[names[n]][0], label) for n, (_, label) in enumerate(documents)],
        title=title,
        author=council,
        subject=rendering.provenance(parts),
        stamp=lambda pages: stamp_overlay(pages, council, cache),
    )


def _lay_out(piece_parts, documents, names, laid, options, workers, on_progress, cache):
    """Lay out the pieces not laid out yet in this build nor found in the cache; fills `laid`."""
    for name in set(names) - set(laid):
        fill = cache.get_fill(name) if cache else None
        content = cache.get(name) if fill is not None else None
        if content is not None:
            laid[name] = (content, fill)
    todo = sorted({names.index(name) for name in set(names) - set(laid)})
    reused = len(set(names)) - len(todo)

    def laid_out(n, result, done):
        content, _, broken, fill = result
        # A page broke inside an action's part: lay the piece out again with a part starting there (its
        # cell repeated, "(continued)"). Kept under the first HTML's key: the outcome follows from it.
        part, label, _ = piece_parts[n]
        for _ in range(rendering.LAYOUT_ROUNDS - 1):
            if not rendering.split_broken_actions([part], broken):
                break
            content, _, broken, fill = pdf_worker.layout(piece_html(part, label), options)
        laid[names[n]] = (content, fill)
        if cache:
            cache.put_fill(names[n], fill)
            cache.put(names[n], content)
        if on_progress:
            text = f"Laid out {done} of {len(todo)} pieces"
            on_progress(text + (f" ({reused} unchanged, reused)" if reused else ""), None)

    if len(todo) <= 1 or workers <= 1 or multiprocessing.current_process().daemon:
        # One piece to lay out (a rebuild after a small change: starting processes would cost more),
        # one worker asked for (a PDF worker kept to one core), or a Celery prefork child, which may
        # not start processes: lay the pieces out here, one by one.
        for done, n in enumerate(todo, start=1):
            laid_out(n, pdf_worker.layout(documents[n][0], options), done)
    else:
        context = multiprocessing.get_context("spawn")  # no forked copies of database connections
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            # Longest first, so the cores finish together.
            futures = {
                pool.submit(pdf_worker.layout, documents[n][0], options): n
                for n in sorted(todo, key=lambda n: -len(documents[n][0]))
            }
            for done, future in enumerate(as_completed(futures), start=1):
                laid_out(futures[future], future.result(), done)


def render_pack_pdf(pack, workers=2, on_progress=None, cache=None, snapshot=None):
    council = pack.plan.organisation or pack.plan.name
    return render_parts_pdf(
        rendering.pack_parts(pack, snapshot),
        pack.report_title,
        council=council,
        workers=workers,
        on_progress=on_progress,
        cache=cache,
    )
