"""Join tagged PDFs (PDF/UA-1, one per laid-out piece) into one tagged PDF, with pikepdf (qpdf).

pypdf's join (`PdfWriter.append`) keeps pages and bookmarks but drops each piece's structure tree,
and copying the trees with pypdf takes longer than laying the pages out again (pure Python: 2.8 s
for the 44-page demo pack). Here every piece's structure elements go under one /Document element,
their parent-tree entries renumbered (a page's /StructParents and a link's /StructParent index one
number tree for the whole document), its bookmarks are copied page for page, and the running header
and footer are drawn over each page as /Artifact marked content (pagination, outside the structure
tree, as screen readers expect). Imports no Django.
"""

import io

import pikepdf
from pikepdf import Array, Dictionary, Name, OutlineItem

ARTIFACT = b"/Artifact <</Type /Pagination>> BDC\n"


def join(pieces, *, title, author="", subject="", lang="en-GB", stamp=None):
    """pieces: [(tagged PDF bytes, label)] in order. stamp([((width, height) in pt, label)] for every
    page) -> PDF bytes with one page per page, drawn over them (the header and footer).
    -> (the joined PDF's bytes, its page count)."""
    out = pikepdf.new()
    tree_root = out.make_indirect(Dictionary(Type=Name.StructTreeRoot))
    document = out.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Document, P=tree_root, K=Array()))
    nums = Array()
    next_key = 0
    outline_items = []
    sources = []  # kept open until saved: copied objects are read from them lazily
    labels = []
    for content, label in pieces:
        source = pikepdf.open(io.BytesIO(content))
        sources.append(source)
        first_page, key_offset = len(out.pages), next_key
        # Pages first: the structure elements copied below point at them (/Pg), and qpdf maps each
        # foreign object once per source, so those references land on these copies.
        out.pages.extend(source.pages)
        labels += [label] * len(source.pages)
        for page in out.pages[first_page:]:
            if Name.StructParents in page.obj:
                page.obj.StructParents = int(page.obj.StructParents) + key_offset
            for annotation in page.obj.get(Name.Annots, []):
                if Name.StructParent in annotation:
                    annotation.StructParent = int(annotation.StructParent) + key_offset
        source_root = source.Root.get(Name.StructTreeRoot)
        if source_root is not None:
            source_document = source_root.K[0] if isinstance(source_root.K, Array) else source_root.K
            # The piece's /Document is detached from its tree root before copying (so the copy does not
            # follow /P up into it), copied with its parent tree in two calls (one per element costs
            # 4 s on the bench pack), then its children are hung under our /Document.
            del source_document.P
            copied = out.copy_foreign(source_document)
            for kid in copied.get(Name.K, []):
                if isinstance(kid, Dictionary) and Name.P in kid:
                    kid.P = document
                document.K.append(kid)
            pairs = out.copy_foreign(source_root.ParentTree).get(Name.Nums, [])
            for n in range(0, len(pairs), 2):
                key = int(pairs[n]) + key_offset
                nums.extend([key, pairs[n + 1]])
                next_key = max(next_key, key + 1)
        with source.open_outline() as outline:
            pages = {page.objgen: n for n, page in enumerate(source.pages)}
            outline_items += [_outline_copy(item, pages, first_page) for item in outline.root]
    tree_root.K = Array([document])
    tree_root.ParentTree = out.make_indirect(Dictionary(Nums=nums))
    tree_root.ParentTreeNextKey = next_key
    out.Root.StructTreeRoot = tree_root
    out.Root.MarkInfo = Dictionary(Marked=True)
    out.Root.Lang = pikepdf.String(lang)
    out.Root.ViewerPreferences = Dictionary(DisplayDocTitle=True)
    out.Root.PageMode = Name.UseOutlines
    with out.open_outline() as outline:
        outline.root.extend(outline_items)
    if stamp is not None:
        sizes = [_size(page) for page in out.pages]
        _stamp(out, stamp(list(zip(sizes, labels, strict=True))), sources)
    with out.open_metadata(set_pikepdf_as_editor=False) as meta:
        meta["dc:title"] = title
        if author:
            meta["dc:creator"] = [author]
        if subject:
            meta["dc:description"] = subject
        meta["pdfuaid:part"] = "1"
        meta["xmp:CreatorTool"] = "Plan Tracker"
    info = {"/Title": title, "/Creator": "Plan Tracker"}
    if author:
        info["/Author"] = author
    if subject:
        info["/Subject"] = subject
    for key, value in info.items():
        out.docinfo[key] = value
    output = io.BytesIO()
    out.save(output, object_stream_mode=pikepdf.ObjectStreamMode.generate, min_version="1.7")
    for source in sources:
        source.close()
    return output.getvalue(), len(out.pages)


def _size(page):
    """(width, height) in points, rounded so that pages of one size share one @page rule of the stamp."""
    left, bottom, right, top = (float(v) for v in page.mediabox)
    return round(right - left, 2), round(top - bottom, 2)


def _outline_copy(item, pages, first_page):
    """A piece's bookmark (and those beneath it), pointing at the same page of the joined document."""
    destination = item.destination
    page = 0
    if isinstance(destination, Array) and len(destination):
        page = pages.get(destination[0].objgen, 0)
    top = float(destination[3]) if isinstance(destination, Array) and len(destination) > 3 else None
    copy = OutlineItem(item.title, first_page + page, "XYZ", top=top)
    copy.children.extend(_outline_copy(child, pages, first_page) for child in item.children)
    return copy


def _stamp(out, stamp, sources):
    """Draw each stamp page over the page of the same number as a pagination artifact, so screen
    readers skip it (as they skip running headers) and it needs no place in the structure tree."""
    overlay = pikepdf.open(io.BytesIO(stamp))
    sources.append(overlay)
    if len(overlay.pages) != len(out.pages):
        raise ValueError(f"{len(overlay.pages)} stamps for {len(out.pages)} pages")
    for page, stamp_page in zip(out.pages, overlay.pages, strict=True):
        form = out.copy_foreign(stamp_page.as_form_xobject())
        name = page.add_resource(form, Name.XObject)
        placement = page.calc_form_xobject_placement(form, name, pikepdf.Rectangle(page.mediabox))
        page.contents_add(b"q\n", prepend=True)
        page.contents_add(b"Q\n" + ARTIFACT + placement + b"\nEMC\n", prepend=False)
