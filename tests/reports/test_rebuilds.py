"""Quick rebuilds (issue #16): laid-out pieces kept by a hash of their HTML; a rebuild lays out only
the pieces that changed, then rejoins and restamps into one tagged PDF with one structure tree."""

import datetime
import io
import re

import pikepdf
import pytest
from pypdf import PdfReader

from milestones.models import Milestone
from reports import parallel, pdf_worker, piece_cache, rendering
from reports.models import CommitteePack
from reports.services import pack_update, render_job_execute, render_job_start

pytestmark = pytest.mark.django_db

NOV = datetime.date(2009, 11, 1)  # no snapshot: the pack reads the live milestones


@pytest.fixture
def laid_out(monkeypatch):
    """The HTML of every piece weasyprint lays out (in this process: one worker)."""
    seen = []

    def layout(html, options=None):
        seen.append(html)
        return real(html, options)

    real = pdf_worker.layout
    monkeypatch.setattr(pdf_worker, "layout", layout)
    return seen


def distinct(htmls):
    """The pieces among the HTML laid out: a piece laid out again after a page broke inside an action
    (rendering.split_broken_actions) counts once. Chunks share a title; their first rows differ."""
    pieces = set()
    for html in htmls:
        first_row = re.search(r"<tbody[^>]*>\s*<tr[^>]*>(.{0,300})", html, re.S)
        pieces.add((re.search(r"<title>(.*?)</title>", html).group(1), first_row and first_row.group(1)))
    return pieces


@pytest.fixture
def pack(demo):
    pack = CommitteePack.objects.get(plan=demo, meeting="Overview & Scrutiny")
    pack.as_at = NOV
    return pack


def build(pack, cache):
    return parallel.render_pack_pdf(pack, workers=1, cache=cache)


def page_texts(content):
    return [re.sub(r"\s+", " ", page.extract_text()) for page in PdfReader(io.BytesIO(content)).pages]


def a_milestone_only_in_the_milestone_report(pack):
    """A milestone of the milestone report that the exception report does not list."""
    parts = rendering.pack_parts(pack)
    listed = {row.milestone.pk for part in parts if part.kind == "exceptions" for row in part.report.rows}
    return next(m for m in Milestone.objects.for_plan(pack.plan).order_by("pk")[60:] if m.pk not in listed)


def test_a_rebuild_after_one_milestone_changes_lays_out_only_its_chunk(pack, laid_out, tmp_path):
    cache = piece_cache.PieceCache(tmp_path / "cache", 10**9)
    build(pack, cache)
    pieces = len(parallel.pieces(rendering.pack_parts(pack)))
    assert len(distinct(laid_out)) == pieces > 6  # cover, glossary, milestone chunks (146 rows), exceptions, indicators

    laid_out.clear()
    build(pack, cache)
    assert laid_out == []  # nothing changed: every piece reused

    milestone = a_milestone_only_in_the_milestone_report(pack)
    Milestone.objects.filter(pk=milestone.pk).update(description="Rebuild check: a reworded milestone")
    content, pages = build(pack, cache)
    # Its chunk, and the piece that chunk is joined into when one of the two ends with a thin page
    # (parallel.merge_thin_chunks): nothing else.
    assert 1 <= len(distinct(laid_out)) <= 2
    assert all("Rebuild check: a reworded milestone" in html for html in laid_out)
    assert "<title>Appendix 2: Safeguarding Plan for Haringey Milestone Report" in laid_out[0]
    assert "Rebuild check: a reworded milestone" in " ".join(page_texts(content))


def test_no_chunk_ends_with_a_thin_page(pack, monkeypatch):
    """Chunks start on a new page: one whose last page is emptier than MIN_LAST_PAGE_FILL is joined to the
    next chunk of the same appendix, so only an appendix's own end may leave a page mostly empty."""
    rounds = []
    real = parallel.merge_thin_chunks

    def merge(piece_parts, fills):
        rounds.append((list(piece_parts), list(fills)))
        return real(piece_parts, fills)

    monkeypatch.setattr(parallel, "merge_thin_chunks", merge)
    parallel.render_pack_pdf(pack, workers=1, cache=None)
    first_parts, first_fills = rounds[0]
    ends_of_chunks = [n for n in range(len(first_parts) - 1) if first_parts[n][2] == first_parts[n + 1][2]]
    assert any(first_fills[n] < parallel.MIN_LAST_PAGE_FILL for n in ends_of_chunks)  # the demo has some
    final_parts, final_fills = rounds[-1]
    assert len(rounds) > 1 and len(final_parts) < len(first_parts)
    for n in range(len(final_parts) - 1):
        if final_parts[n][2] == final_parts[n + 1][2]:
            assert final_fills[n] >= parallel.MIN_LAST_PAGE_FILL, n
    # Every row is still there, once, in order.
    rows = [
        (block.action.ref, m.description)
        for part, _, _ in final_parts
        if part.kind == "milestones"
        for block in part.report.actions
        for m in block.milestones
    ]
    whole = next(part for part in rendering.pack_parts(pack) if part.kind == "milestones").report
    assert rows == [(block.action.ref, m.description) for block in whole.actions for m in block.milestones]


def test_a_cover_change_lays_out_only_the_cover(pack, laid_out, tmp_path):
    cache = piece_cache.PieceCache(tmp_path / "cache", 10**9)
    build(pack, cache)
    laid_out.clear()
    pack_update(actor=None, pack=pack, purpose="To note the rebuilt plan.")
    pack.as_at = NOV
    content, _ = build(pack, cache)
    assert len(laid_out) == 1 and "To note the rebuilt plan." in laid_out[0]
    assert 'class="cover' in laid_out[0]
    assert "To note the rebuilt plan." in page_texts(content)[0]


def test_a_cached_rebuild_equals_a_cold_build(pack, laid_out, tmp_path):
    warm = piece_cache.PieceCache(tmp_path / "warm", 10**9)
    build(pack, warm)
    milestone = a_milestone_only_in_the_milestone_report(pack)
    Milestone.objects.filter(pk=milestone.pk).update(description="A longer description " * 12)
    laid_out.clear()
    rebuilt, rebuilt_pages = build(pack, warm)
    assert 1 <= len(distinct(laid_out)) <= 2  # its chunk (and the piece it is joined into)
    cold, cold_pages = build(pack, piece_cache.PieceCache(tmp_path / "cold", 10**9))
    assert rebuilt_pages == cold_pages == len(page_texts(cold))
    assert page_texts(rebuilt) == page_texts(cold)  # the same text, page for page, numbers included
    assert f"Page {cold_pages} of {cold_pages}" in page_texts(rebuilt)[-1]


def structure(content):
    """(structure elements by type, pages the elements point at, number-tree keys) of a tagged PDF."""
    pdf = pikepdf.open(io.BytesIO(content))
    root = pdf.Root.StructTreeRoot
    types, pages, seen, stack = {}, set(), set(), list(root.K)
    while stack:
        element = stack.pop()
        if element.objgen in seen:
            continue
        seen.add(element.objgen)
        tag = str(element.S).lstrip("/")
        types[tag] = types.get(tag, 0) + 1
        if "/Pg" in element:
            pages.add(element.Pg.objgen)
        kids = element.get("/K")
        kids = kids if isinstance(kids, pikepdf.Array) else [kids]
        stack += [kid for kid in kids if isinstance(kid, pikepdf.Dictionary) and "/S" in kid]
    nums = root.ParentTree.Nums
    keys = {int(nums[n]) for n in range(0, len(nums), 2)}
    return pdf, types, pages, keys


def test_a_cached_rebuild_is_one_tagged_document(pack, tmp_path):
    cache = piece_cache.PieceCache(tmp_path / "cache", 10**9)
    build(pack, cache)
    pack_update(actor=None, pack=pack, summary="Progress is steady.")
    pack.as_at = NOV
    content, page_count = build(pack, cache)
    reader = PdfReader(io.BytesIO(content))
    catalog = reader.trailer["/Root"]
    assert catalog["/MarkInfo"]["/Marked"] and catalog["/Lang"] == "en-GB"
    assert reader.metadata.title == pack.report_title
    assert reader.metadata.author == "Haringey Council and partners"
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    assert titles[0] == "Cover report: Safeguarding Plan for Haringey"
    assert "Appendix 2: Safeguarding Plan for Haringey Milestone Report, November 2009" in titles
    assert len(titles) == 5  # the cover and one per appendix, none repeated per chunk
    pdf, types, pages, keys = structure(content)
    assert types["Document"] == 1  # one structure tree: every piece's elements under one /Document
    assert types["Table"] >= 6 and types["TH"] > 0 and types["TD"] > 100  # tables still tagged
    # Every page is in the tree, and each page's marked content is found through the number tree.
    assert pages == {page.objgen for page in pdf.pages} and len(pdf.pages) == page_count
    assert {int(page.obj.StructParents) for page in pdf.pages} <= keys
    # The running header and footer are pagination artifacts, outside the structure tree.
    last = pdf.pages[-1]
    assert b"/Artifact" in b"".join(c.read_bytes() for c in last.obj.Contents)


def test_the_key_covers_weasyprint_and_the_fonts(pack, laid_out, tmp_path, monkeypatch):
    cache = piece_cache.PieceCache(tmp_path / "cache", 10**9)
    build(pack, cache)
    laid_out.clear()
    monkeypatch.setattr(piece_cache, "environment", lambda: "another weasyprint, other fonts")
    build(pack, cache)
    assert len(distinct(laid_out)) == len(parallel.pieces(rendering.pack_parts(pack)))


def test_the_cache_keeps_to_its_size_dropping_the_least_recently_used(tmp_path):
    import os

    cache = piece_cache.PieceCache(tmp_path, 2500)
    for n, name in enumerate(["aa1", "bb2", "cc3"]):
        cache.put(name, b"x" * 994 + b"%%EOF\n")
        os.utime(cache._path(name), (1000 + n, 1000 + n))
    assert cache.get("aa1") is None  # the third would exceed 2,500 bytes: the oldest went
    cache.get("bb2")  # used again: now the most recent
    cache.put("dd4", b"y" * 994 + b"%%EOF\n")
    assert cache.get("cc3") is None and cache.get("bb2").startswith(b"x") and cache.get("dd4").startswith(b"y")
    assert sum(path.stat().st_size for path in cache.files()) <= 2500
    cache._path("dd4").write_bytes(b"y" * 500)  # a piece cut short is not used, and goes
    assert cache.get("dd4") is None and not cache._path("dd4").exists()


def test_no_cache_when_its_size_is_zero(settings):
    settings.REPORT_PIECE_CACHE_MB = 0
    assert piece_cache.default() is None
    settings.REPORT_PIECE_CACHE_MB = 5
    assert piece_cache.default().max_bytes == 5 * 1024 * 1024


def test_a_pack_job_after_an_edit_lays_out_only_the_cover(demo, laid_out, settings, piece_cache_dir):
    settings.REPORT_LAYOUT_WORKERS = 1
    pack = CommitteePack.objects.get(plan=demo, meeting="Overview & Scrutiny")
    first = render_job_execute(render_job_start(plan=demo, kind="pack", requested_by=None, pack=pack).pk)
    assert first.state == "done", first.error
    assert len(distinct(laid_out)) == len(parallel.pieces(rendering.pack_parts(pack)))
    assert any(piece_cache_dir.glob("*/*.pdf"))
    laid_out.clear()
    pack = pack_update(actor=None, pack=pack, recommendations="To note the progress made.")
    second = render_job_execute(render_job_start(plan=demo, kind="pack", requested_by=None, pack=pack).pk)
    assert second.pk != first.pk and second.state == "done", second.error
    assert len(laid_out) == 1 and "To note the progress made." in laid_out[0]
    assert second.pages == first.pages


def test_a_live_pack_is_built_again_after_a_milestone_changes_a_snapshot_pack_is_not(demo, laid_out, settings):
    settings.REPORT_LAYOUT_WORKERS = 1
    pack = CommitteePack.objects.get(plan=demo, meeting="Overview & Scrutiny")
    frozen = render_job_execute(render_job_start(plan=demo, kind="pack", requested_by=None, pack=pack).pk)
    live = render_job_execute(render_job_start(plan=demo, kind="pack", requested_by=None, pack=pack, as_at=NOV).pk)
    assert frozen.state == live.state == "done"
    milestone = Milestone.objects.for_plan(demo).order_by("pk")[70]
    Milestone.objects.filter(pk=milestone.pk).update(description="Rebuild check: changed since the build")
    laid_out.clear()
    # As at October the pack reads October's snapshot: the PDF built is still right, and is reused.
    assert render_job_start(plan=demo, kind="pack", requested_by=None, pack=pack) == frozen
    assert laid_out == []
    # As at November it reads the live milestones: built again, laying out only what changed.
    again = render_job_start(plan=demo, kind="pack", requested_by=None, pack=pack, as_at=NOV)
    again = render_job_execute(again.pk)
    assert again.pk != live.pk and again.state == "done"
    assert 1 <= len(distinct(laid_out)) <= 2
    assert any("Rebuild check: changed since the build" in html for html in laid_out)
