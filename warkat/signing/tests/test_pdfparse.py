"""The fast hex-string reader reads what pyHanko's own reader reads."""

from __future__ import annotations

import io

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
