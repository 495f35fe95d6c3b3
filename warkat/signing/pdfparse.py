"""Faster reading and writing of PDF tokens for pyHanko, installed when the app
loads: hex strings and names read, names written.

A signature's ``/Contents`` is a hex string of 10-40 KB (the CMS with its
certificates and timestamp, padded to the reserved size). pyHanko reads hex
strings one byte at a time through Python generators: about 100 ms for every
signature of an uploaded file on the verification page, half of its time. This
reader finds the closing ``>`` with ``bytes.find`` and decodes with
``binascii``; anything unusual inside the string (a ``%``, which pyHanko reads as
a comment) is left to pyHanko's own reader, so both accept the same input.

Names and other bare tokens (``read_until_delimiter``) are read one byte at a
time too, every name is decoded and written byte by byte (``NameObject.
write_to_stream``): together about a tenth of a signature's CPU (the letter is
parsed once and the signature's revision written once). Here a token of an
in-memory file is found with one regular-expression search, and a name's
decoded and written forms are kept per process (names repeat: ``/Type``, ``/Font`` …).

An object in an object stream (WeasyPrint puts the catalog, the pages and the
document information there) is found by pyHanko by reading the stream's header
of object numbers and offsets pair by pair, token by token, for every object it
reads: about a tenth of a signature's CPU for the handful of objects a signature
reads. Here the header is split once per stream and kept with it; anything
unusual (a header that is not plain numbers, an object that is not there or
does not parse) is left to pyHanko's own code.
"""

from __future__ import annotations

import binascii
import io
import re
from typing import Any

from pyhanko.pdf_utils import generic, misc
from pyhanko.pdf_utils.misc import (
    PDF_DELIMITERS,
    PDF_WHITESPACE,
    PdfReadError,
    PdfStreamError,
)
from pyhanko.pdf_utils.reader import PdfFileReader

WHITESPACE = b"\x00\t\n\x0c\r "
HEX_DIGITS = b"0123456789abcdefABCDEF"
CHUNK = 64 * 1024

_pyhanko_reader = generic.read_hex_string_from_stream
_pyhanko_until_delimiter = misc.read_until_delimiter
_pyhanko_name_write = generic.NameObject.write_to_stream
_pyhanko_name_decode = generic._decode_name
_pyhanko_from_stream = PdfFileReader._get_object_from_stream
_DELIMITER = re.compile(b"[" + re.escape(PDF_WHITESPACE + PDF_DELIMITERS) + b"]")
#: Written forms of names kept per process (beyond this, written as pyHanko does).
NAMES_MAX = 4096
_names: dict[str, bytes] = {}
_decoded: dict[bytes, generic.NameObject] = {}


def read_hex_string(stream: Any) -> Any:
    """Read ``<...>`` from ``stream`` (positioned at ``<``) into a PDF string."""
    start = stream.tell()
    stream.read(1)
    parts = []
    while True:
        chunk = stream.read(CHUNK)
        if not chunk:
            raise PdfStreamError("Stream has ended unexpectedly")
        end = chunk.find(b">")
        parts.append(chunk if end < 0 else chunk[:end])
        if end >= 0:
            break
    raw = b"".join(parts)
    if b"%" in raw:
        stream.seek(start)
        return _pyhanko_reader(stream)
    stream.seek(start + 1 + len(raw) + 1)
    digits = raw.translate(None, WHITESPACE)
    if digits.translate(None, HEX_DIGITS):
        raise PdfStreamError("Unexpected token in hex string")
    if len(digits) % 2:
        digits += b"0"
    return generic.pdf_string(binascii.unhexlify(digits))


def read_until_delimiter(stream: Any) -> bytes:
    """pyHanko's ``read_until_delimiter``: the bytes up to the next whitespace or
    delimiter, the stream left on that byte (or at the end)."""
    if type(stream) is not io.BytesIO:
        return _pyhanko_until_delimiter(stream)
    start = stream.tell()
    with stream.getbuffer() as view:
        found = _DELIMITER.search(view, start)
        end = found.start() if found is not None else len(view)
        token = bytes(view[start:end])
    stream.seek(end)
    return token


def write_name(
    self: generic.NameObject,
    stream: Any,
    handler: Any = None,
    container_ref: Any = None,
) -> None:
    """``NameObject.write_to_stream``, from the written form kept for the name."""
    data = _names.get(self)
    if data is None:
        buffer = io.BytesIO()
        _pyhanko_name_write(self, buffer, handler, container_ref)
        data = buffer.getvalue()
        if len(_names) < NAMES_MAX:
            _names[str(self)] = data
    stream.write(data)


def decode_name(name_bytes: bytes) -> generic.NameObject:
    """pyHanko's ``_decode_name`` (escapes expanded byte by byte), kept per name."""
    name = _decoded.get(name_bytes)
    if name is None:
        name = _pyhanko_name_decode(name_bytes)
        if len(_decoded) < NAMES_MAX:
            _decoded[name_bytes] = name
    return name


_Index = tuple[bytes, int, dict[int, tuple[int, int]]]


def _object_stream_index(stream: Any) -> _Index:
    """An object stream's decoded data, its number of objects and, per object
    number, its index and the offset of the object in the data (the first entry
    if a number repeats); no offsets when the header is not ``N`` pairs of plain
    numbers."""
    data = stream.read_data(generic.DecodePurpose.OBJECT_STREAM)
    count, first = stream.get("/N"), stream.get("/First")
    offsets: dict[int, tuple[int, int]] = {}
    if not (isinstance(count, int) and isinstance(first, int) and first >= 0):
        return data, 0, offsets
    header = data[:first].split()
    if len(header) < 2 * count or not all(t.isdigit() for t in header[: 2 * count]):
        return data, 0, offsets
    for i in range(count):
        offsets.setdefault(int(header[2 * i]), (i, first + int(header[2 * i + 1])))
    return data, count, offsets


def object_from_stream(self: PdfFileReader, idnum: int, stmnum: int, idx: int) -> Any:
    """``PdfFileReader._get_object_from_stream`` with the stream's header read
    once (``_object_stream_index``, kept on the stream object)."""
    stream = generic.Reference(stmnum, 0, self).get_object()
    if (
        not isinstance(stream, generic.StreamObject)
        or stream.get("/Type") != "/ObjStm"
        or not isinstance(stream.get("/N"), int)
        or not 0 <= idx < stream["/N"]
    ):
        # pyHanko refuses these before it decodes the stream.
        return _pyhanko_from_stream(self, idnum, stmnum, idx)
    index: _Index | None = getattr(stream, "_warkat_index", None)
    if index is None:
        index = _object_stream_index(stream)
        stream._warkat_index = index  # type: ignore[attr-defined]
    data, count, offsets = index
    found = offsets.get(idnum)
    if found is None or not 0 <= idx < count or (self.strict and found[0] != idx):
        return _pyhanko_from_stream(self, idnum, stmnum, idx)
    buffer = io.BytesIO(data)
    buffer.seek(found[1])
    try:
        obj = generic.read_object(buffer, generic.Reference(idnum, 0, self))
    except (PdfStreamError, PdfReadError):
        return _pyhanko_from_stream(self, idnum, stmnum, idx)
    if isinstance(obj, (generic.StreamObject, generic.IndirectObject)):
        return _pyhanko_from_stream(self, idnum, stmnum, idx)
    return obj


def install() -> None:
    """Make pyHanko's object reader and writer use the functions above."""
    generic.read_hex_string_from_stream = read_hex_string
    misc.read_until_delimiter = read_until_delimiter
    generic.read_until_delimiter = read_until_delimiter
    generic._decode_name = decode_name
    generic.NameObject.write_to_stream = write_name  # type: ignore[method-assign]
    PdfFileReader._get_object_from_stream = object_from_stream  # type: ignore[method-assign]
