"""Laid-out pieces of PDFs kept on disk by a hash of everything that goes into them (issue #16).

A piece (the cover report, an appendix, a chunk of a long table) is laid out by weasyprint from
one self-contained HTML document: the data, the templates' output and the whole stylesheet are in
it, and nothing else is fetched (charts are inline SVG). So the key is the SHA-256 of that HTML,
of the PDF options and of what else changes weasyprint's output: its version and the fonts
installed. A milestone, a status label, a template, the CSS, the pack's snapshot or the plan's
status scheme changing changes the HTML, hence the key: a stale piece cannot be found. Rendering
the HTML to hash it costs 0.5 s of a 2,000-milestone pack (data and templates), against about
30 s of layout, so the data are not hashed separately.

Files live under REPORT_PIECE_CACHE_DIR (default MEDIA_ROOT/cache/pdf-pieces), at most
REPORT_PIECE_CACHE_MB (0 turns the cache off); the least recently used go first. Writes are
atomic (a temporary file renamed), so builds running at once never read half a piece.
"""

import hashlib
import os
import shutil
import subprocess  # nosec B404
import tempfile
from functools import lru_cache
from pathlib import Path

from django.conf import settings

# Raise when the way pieces are laid out changes outside the HTML (the worker, the join).
VERSION = "1"


@lru_cache(maxsize=1)
def environment() -> str:
    """weasyprint's and pydyf's versions and the installed fonts (fontconfig's list, read once
    per process): a new font or version can change the layout of the same HTML."""
    import pydyf
    import weasyprint

    fc_list = shutil.which("fc-list")
    try:
        fonts = (
            subprocess.run(  # nosec B603
                [fc_list, "--format", "%{file}|%{fontversion}\n"],
                capture_output=True,
                text=True,
                timeout=20,
                check=False,
            ).stdout
            if fc_list
            else ""
        )
    except (OSError, subprocess.SubprocessError):  # no fontconfig tools: versions only
        fonts = ""
    return "\n".join([VERSION, weasyprint.__version__, pydyf.__version__, *sorted(fonts.splitlines())])


def key(html: str, options: dict) -> str:
    digest = hashlib.sha256(environment().encode())
    digest.update(repr(sorted(options.items())).encode())
    digest.update(html.encode())
    return digest.hexdigest()


class PieceCache:
    def __init__(self, directory, max_bytes):
        self.directory, self.max_bytes = Path(directory), max_bytes

    def _path(self, name):
        return self.directory / name[:2] / f"{name}.pdf"

    def get(self, name) -> bytes | None:
        path = self._path(name)
        try:
            content = path.read_bytes()
            os.utime(path)  # recently used: kept longest
        except FileNotFoundError:  # never built, or evicted meanwhile
            return None
        if not content.rstrip().endswith(b"%%EOF"):  # cut short (a full disk): lay it out again
            path.unlink(missing_ok=True)
            return None
        return content

    def put(self, name, content: bytes):
        if len(content) > self.max_bytes:
            return
        path = self._path(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".part")
        with os.fdopen(handle, "wb") as file:
            file.write(content)
        os.replace(temporary, path)
        self.prune()

    def get_fill(self, name) -> float | None:
        """How full the piece's last page is (reports/parallel.py), kept beside it."""
        try:
            return float(self._path(name).with_suffix(".fill").read_text())
        except (FileNotFoundError, ValueError):
            return None

    def put_fill(self, name, fill: float):
        path = self._path(name).with_suffix(".fill")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(repr(fill))

    def files(self):
        return [p for p in self.directory.glob("*/*.pdf") if p.is_file()]

    def prune(self):
        """Remove the least recently used pieces until the cache fits its size."""
        entries = []
        for path in self.files():
            try:
                stat = path.stat()
            except FileNotFoundError:  # removed by another build's prune
                continue
            entries.append((stat.st_mtime, stat.st_size, path))
        total = sum(size for _, size, _ in entries)
        for _, size, path in sorted(entries, key=lambda e: e[0]):
            if total <= self.max_bytes:
                break
            path.unlink(missing_ok=True)
            path.with_suffix(".fill").unlink(missing_ok=True)
            total -= size


def default() -> PieceCache | None:
    """The configured cache, or None when REPORT_PIECE_CACHE_MB is 0."""
    megabytes = getattr(settings, "REPORT_PIECE_CACHE_MB", 500)
    if not megabytes:
        return None
    directory = getattr(settings, "REPORT_PIECE_CACHE_DIR", "") or os.path.join(
        settings.MEDIA_ROOT, "cache", "pdf-pieces"
    )
    return PieceCache(directory, megabytes * 1024 * 1024)
