"""The stamp's QR code (``signing.stampqr``) against the ``qrcode`` package."""

from __future__ import annotations

import random
import string

import pytest
import qrcode
from qrcode import util

from warkat.signing import stampqr


def _reference(data: str) -> list[list[bool]]:
    qr = qrcode.QRCode(
        error_correction=stampqr.ERROR_CORRECTION, mask_pattern=stampqr.QR_MASK
    )
    qr.add_data(util.QRData(data.encode(), mode=util.MODE_8BIT_BYTE))
    qr.make(fit=True)
    return qr.modules


@pytest.mark.parametrize(
    "length",
    # Versions 1-13: one block and several, blocks of two sizes, the version
    # information (7 and up) and the 16-bit character count (10 and up), data
    # that fills a version to the last bit and to the byte (no terminator).
    [0, 1, 14, 15, 16, 26, 42, 58, 62, 84, 106, 122, 152, 180, 213, 250, 287, 331],
)
def test_matrix_is_qrcodes_for_the_same_mask(length: int) -> None:
    rng = random.Random(length)
    url = "https://warkat.example/verifikasi/" + "".join(
        rng.choice(string.ascii_letters + string.digits) for _ in range(length)
    )
    url = url[:length] if length < 34 else url
    expected = [bytearray(bool(m) for m in row) for row in _reference(url)]
    assert stampqr.qr_matrix(url) == expected


def test_commands_draw_each_run_of_dark_modules_once() -> None:
    url = "https://warkat.example/verifikasi/AbCdEf123456GhIjKl789012"
    rows = stampqr.qr_matrix(url)
    commands, side = stampqr.qr_commands(url)
    assert side == len(rows) + 2 * stampqr.BORDER
    drawn = [bytearray(len(rows)) for _ in rows]
    for line in commands.split(b"\n"):
        if line.endswith(b" re"):
            x, y, width, height = (int(n) for n in line.split()[:4])
            assert height == 1 and not any(drawn[y][x : x + width])
            drawn[y][x : x + width] = b"\x01" * width
    assert drawn == rows
