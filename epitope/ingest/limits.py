"""The bounds on what outside data may cost: sizes after decompression, per file and per record.

A fetched body stops at `fetch.DEFAULT_MAX_BYTES` (decoded); a file read whole stops at
`MAX_DOCUMENT_BYTES` once decompressed, and a streamed PubMed file at `MAX_STREAM_BYTES`, with
no more than `MAX_ELEMENT_BYTES` between two articles (one article that never ends would
otherwise grow in memory until the machine gives out). Each is checked while reading, so a
gzip bomb costs no more than the limit it hits.
"""

from __future__ import annotations

import gzip
import zlib
from pathlib import Path

from .records import IngestError

MAX_DOCUMENT_BYTES = 64 * 1024 * 1024  # a saved feed or API response: real ones are a few MB
MAX_STREAM_BYTES = 4 * 1024 ** 3  # a PubMed baseline file: 200-400 MB unpacked
MAX_ELEMENT_BYTES = 16 * 1024 * 1024  # one PubmedArticle: real ones are 5-50 kB
_CHUNK = 1024 * 1024
GZIP_MAGIC = b"\x1f\x8b"


def read_document(path: str | Path, limit: int | None = None) -> bytes:
    """Return the bytes of a file, gunzipped if it is gzip, refusing more than `limit` of them."""
    path, limit = Path(path), limit or MAX_DOCUMENT_BYTES
    with path.open("rb") as fh:
        if fh.read(2) != GZIP_MAGIC:
            if path.stat().st_size > limit:
                raise IngestError(f"file: over the {limit}-byte limit")
            fh.seek(0)
            return fh.read(limit + 1)
        fh.seek(0)
        return _gunzip(fh, limit)


def _gunzip(fh, limit: int) -> bytes:
    # zlib with a cap on each call's output, rather than gzip.decompress, which returns the
    # whole of a bomb before anyone can look at its size. Concatenated members are read on.
    out, size, pending = [], 0, b""
    decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)
    while True:
        chunk = decoder.unconsumed_tail or pending or fh.read(_CHUNK)
        pending = b""
        if not chunk:
            break
        try:
            # A megabyte at a time: zlib grows its output buffer by doubling.
            data = decoder.decompress(chunk, min(_CHUNK, limit + 1 - size))
        except zlib.error as exc:
            raise IngestError(f"file: corrupt gzip: {exc}") from None
        size += len(data)
        if size > limit:
            raise IngestError(f"file: over the {limit}-byte limit once decompressed")
        out.append(data)
        if decoder.eof:
            pending = decoder.unused_data or fh.read(_CHUNK)
            if not pending.strip(b"\0"):  # the end, or the zero padding some tools leave
                break
            decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)
    if not decoder.eof:
        raise IngestError("file: gzip data cut short (truncated file)")
    return b"".join(out)


def open_stream(path: str | Path, limit: int | None = None, element_limit: int | None = None):
    """Return a BoundedReader over a file, gunzipped if it is gzip."""
    path = Path(path)
    limit, element_limit = limit or MAX_STREAM_BYTES, element_limit or MAX_ELEMENT_BYTES
    with path.open("rb") as probe:
        gzipped = probe.read(2) == GZIP_MAGIC
    raw = gzip.open(path, "rb") if gzipped else path.open("rb")
    return BoundedReader(raw, limit, element_limit)


class BoundedReader:
    """A binary file that raises IngestError past `limit` bytes in all, or past `element_limit`
    bytes since the reader last called `mark()` (after each complete element); a truncated or
    corrupt gzip stream raises IngestError too."""

    def __init__(self, raw, limit: int, element_limit: int):
        self.raw, self.limit, self.element_limit = raw, limit, element_limit
        self.size = self.marked = 0

    def read(self, n: int = -1) -> bytes:
        n = _CHUNK if n is None or n < 0 else n
        try:
            data = self.raw.read(n)
        except EOFError:
            raise IngestError("file: gzip data cut short (truncated file)") from None
        except (gzip.BadGzipFile, zlib.error) as exc:
            raise IngestError(f"file: corrupt gzip: {exc}") from None
        self.size += len(data)
        if self.size > self.limit:
            raise IngestError(f"file: over the {self.limit}-byte limit once decompressed")
        if self.size - self.marked > self.element_limit:
            raise IngestError(f"file: one record runs over {self.element_limit} bytes")
        return data

    def mark(self) -> None:
        self.marked = self.size

    def close(self) -> None:
        self.raw.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
