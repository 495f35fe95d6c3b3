"""The fast hex-string reader reads what pyHanko's own reader reads."""

from __future__ import annotations

import io
from typing import Any

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.misc import PdfStreamError

from warkat.signing import pdfparse


@pytest.mark.parametrize(
    "source",
    [
        b"<48656c6c6f> rest",
        b"<48 65\n6c\r\n6c\t6f>rest",
        b"<486>",
        b"<>",
        b"<" + b"ab" * 50_000 + b"> 0 obj",
        b"<4865 % a comment\n6c6c6f>x",
    ],
)
def test_same_as_pyhanko(source: bytes) -> None:
    mine, theirs = io.BytesIO(source), io.BytesIO(source)
    assert pdfparse.read_hex_string(mine) == pdfparse._pyhanko_reader(theirs)
    assert mine.tell() == theirs.tell()


@pytest.mark.parametrize("source", [b"<48zz>", b"<4865"])
def test_bad_input_is_refused(source: bytes) -> None:
    with pytest.raises(PdfStreamError):
        pdfparse.read_hex_string(io.BytesIO(source))


def test_installed() -> None:
    assert generic.read_hex_string_from_stream is pdfparse.read_hex_string


@pytest.mark.parametrize(
    "source, start",
    [
        (b"/Type /Page", 1),
        (b"/Font<</F1 2 0 R>>", 1),
        (b"123 0 R", 0),
        (b"true]", 0),
        (b"/A#20B(x)", 1),
        (b"/Last", 1),
        (b"", 0),
        (b"/\x00x", 1),
    ],
)
def test_tokens_read_as_pyhanko_reads_them(source: bytes, start: int) -> None:
    mine, theirs = io.BytesIO(source), io.BytesIO(source)
    mine.seek(start)
    theirs.seek(start)
    assert pdfparse.read_until_delimiter(mine) == (
        pdfparse._pyhanko_until_delimiter(theirs)
    )
    assert mine.tell() == theirs.tell()


@pytest.mark.parametrize("raw", [b"Type", b"A#20B", b"F1", b"Caf#C3#A9"])
def test_names_decoded_and_written_as_pyhanko_does(raw: bytes) -> None:
    name = pdfparse.decode_name(raw)
    assert name == pdfparse._pyhanko_name_decode(raw)
    assert pdfparse.decode_name(raw) is name  # kept
    mine, theirs = io.BytesIO(), io.BytesIO()
    name.write_to_stream(mine)
    name.write_to_stream(mine)  # the second from the kept form
    pdfparse._pyhanko_name_write(name, theirs)
    pdfparse._pyhanko_name_write(name, theirs)
    assert mine.getvalue() == theirs.getvalue()


def test_bad_name_still_refused() -> None:
    with pytest.raises(Exception, match="escape"):
        pdfparse.decode_name(b"A#2")


def test_token_readers_installed() -> None:
    assert generic.read_until_delimiter is pdfparse.read_until_delimiter
    assert generic._decode_name is pdfparse.decode_name
    assert generic.NameObject.write_to_stream is pdfparse.write_name


def test_objects_in_object_streams_read_as_pyhanko_reads_them() -> None:
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.pdf_utils.xref import ObjStreamRef

    from warkat.signing.tests.factories import letter_pdf

    pdf = letter_pdf().pdf
    mine = PdfFileReader(io.BytesIO(pdf), strict=False)
    theirs = PdfFileReader(io.BytesIO(pdf), strict=False)
    in_streams = 0
    for idnum in range(1, int(mine.trailer["/Size"])):
        marker = mine.xrefs[generic.Reference(idnum, 0)]
        if not isinstance(marker, ObjStreamRef):
            continue
        in_streams += 1
        where = (idnum, marker.obj_stream_id, marker.ix_in_stream)
        assert pdfparse.object_from_stream(mine, *where) == (
            pdfparse._pyhanko_from_stream(theirs, *where)
        )
    assert in_streams > 5  # WeasyPrint's catalog, pages, info …


@pytest.mark.parametrize(
    "header, expected",
    [
        (b"7 0 9 12 ", {7: (0, 10), 9: (1, 22)}),
        (b"7 0 7 12 ", {7: (0, 10)}),  # a repeated number: the first, as pyHanko
        (b"7 0 -9 12", {}),  # not plain numbers: left to pyHanko
        (b"7 0 % x\n", {}),
        (b"7 0", {}),  # fewer pairs than /N
    ],
)
def test_object_stream_header(header: bytes, expected: dict[int, Any]) -> None:
    stream = generic.StreamObject(
        {
            generic.pdf_name("/Type"): generic.pdf_name("/ObjStm"),
            generic.pdf_name("/N"): generic.NumberObject(2),
            generic.pdf_name("/First"): generic.NumberObject(10),
        },
        stream_data=header.ljust(10) + b"<< >> << >>",
    )
    _data, _count, offsets = pdfparse._object_stream_index(stream)
    assert offsets == expected


def test_object_stream_reader_installed() -> None:
    from pyhanko.pdf_utils.reader import PdfFileReader

    assert PdfFileReader._get_object_from_stream is pdfparse.object_from_stream
