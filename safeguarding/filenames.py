"""The one way a download is named: Django's get_valid_filename on a readable stem."""

from django.utils.text import get_valid_filename


def download_filename(stem: str, suffix: str) -> str:
    """'Overview & Scrutiny 2009-12-03', '.pdf' -> 'Overview_Scrutiny_2009-12-03.pdf'."""
    words = "".join(c if c.isalnum() or c in " -_." else " " for c in stem).split()
    return get_valid_filename(" ".join(words) or "document") + suffix
