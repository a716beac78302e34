"""Lays out one HTML document in a worker process. Imports no Django: it only needs the HTML."""


def layout(html: str, options=None):
    """-> (pdf bytes, [(width, height) of each page in points]); options: write_pdf's (the PDF/UA variant)."""
    import weasyprint

    document = weasyprint.HTML(string=html).render()
    sizes = [(page.width * 0.75, page.height * 0.75) for page in document.pages]  # CSS px -> pt
    return document.write_pdf(**(options or {})), sizes
