"""The visible stamp's QR code, drawn in a fraction of pyHanko's time.

pyHanko's ``QRStamp`` asks the ``qrcode`` package to try all eight mask patterns
and keep the one with the lowest penalty (about 5 ms, a third of a B-T
signature), then paints every dark module as its own rectangle. Every mask
pattern gives a valid code that any reader decodes; the penalty only steers
away from patterns that look like finder patterns, which a short URL of a fixed
shape does not produce. Here the mask is fixed and each run of dark modules in
a row is one rectangle (about a third of the drawing operators).

Even with one mask, ``qrcode`` writes its bit buffer one bit at a time and
divides polynomials as Python lists (about 1 ms, a tenth of a signature). The
code is always the same kind (byte mode, error correction M, mask 0), so here
what only depends on the version (the function patterns, the order in which
data modules are placed, the mask) is computed once per version, with
``qrcode``'s own pattern code and tables; per URL only the codewords (packed as
one integer), the Reed-Solomon remainders (one table look-up and XOR per data
byte) and the placement remain. ``signing/tests/test_stampqr.py`` checks the
matrix against ``qrcode``'s for the same data and mask.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

import qrcode
from pyhanko.pdf_utils import layout
from pyhanko.pdf_utils.writer import BasePdfFileWriter, init_xobject_dictionary
from pyhanko.stamp import QRStamp, QRStampStyle
from qrcode import base as qr_base
from qrcode import util as qr_util

#: The mask pattern of every stamp's QR code (ISO/IEC 18004 §7.8.2, pattern 0:
#: (row + column) mod 2 = 0).
QR_MASK = 0
ERROR_CORRECTION = qrcode.constants.ERROR_CORRECT_M
#: Quiet zone, in modules (``qrcode``'s default).
BORDER = 4
_DARK_RUN = re.compile(b"\x01+")


def _gf_tables() -> tuple[list[int], list[int]]:
    """GF(256) with the QR code's polynomial x^8 + x^4 + x^3 + x^2 + 1."""
    exp, log = [0] * 512, [0] * 256
    value = 1
    for power in range(255):
        exp[power] = value
        log[value] = power
        value <<= 1
        if value & 0x100:
            value ^= 0x11D
    for power in range(255, 512):
        exp[power] = exp[power - 255]
    return exp, log


_EXP, _LOG = _gf_tables()


def _mul(a: int, b: int) -> int:
    return 0 if a == 0 or b == 0 else _EXP[_LOG[a] + _LOG[b]]


@functools.cache
def _remainder_table(ec_count: int) -> tuple[int, ...]:
    """For each leading byte, what one division step XORs into the remainder:
    the generator polynomial (x - a^0)...(x - a^(n-1)) times that byte, its
    ``ec_count`` lower coefficients packed big-endian into one integer."""
    generator = [1]
    for i in range(ec_count):
        root = _EXP[i]
        generator = [
            c ^ _mul(prev, root)
            for c, prev in zip([*generator, 0], [0, *generator], strict=True)
        ]
    lower = generator[1:]  # the generator is monic: drop x^n
    return tuple(
        int.from_bytes(bytes(_mul(f, g) for g in lower), "big") for f in range(256)
    )


def _ec_bytes(data: bytes, ec_count: int) -> bytes:
    """The Reed-Solomon error correction codewords of one block."""
    table = _remainder_table(ec_count)
    shift = 8 * (ec_count - 1)
    mask = (1 << (8 * ec_count)) - 1
    rem = 0
    for byte in data:
        rem = ((rem << 8) & mask) ^ table[(rem >> shift) ^ byte]
    return rem.to_bytes(ec_count, "big")


@dataclass(frozen=True)
class _Version:
    """What a version's code looks like before its data: the function patterns
    (format and version information included, for mask ``QR_MASK``), the data
    modules in placement order and the mask over them."""

    number: int
    size: int
    blocks: tuple[tuple[int, int], ...]  # (data codewords, EC codewords)
    data_capacity: int
    template: tuple[bytes, ...]
    positions: tuple[tuple[int, int], ...]
    mask: int  # one bit per position, first position most significant


@functools.cache
def _version(number: int) -> _Version:
    qr = qrcode.QRCode(version=number, error_correction=ERROR_CORRECTION)
    size = qr.modules_count = number * 4 + 17
    qr.modules = [[None] * size for _ in range(size)]
    qr.setup_position_probe_pattern(0, 0)
    qr.setup_position_probe_pattern(size - 7, 0)
    qr.setup_position_probe_pattern(0, size - 7)
    qr.setup_position_adjust_pattern()
    qr.setup_timing_pattern()
    qr.setup_type_info(False, QR_MASK)
    if number >= 7:
        qr.setup_type_number(False)
    # The placement order of ``QRCode.map_data``: two columns at a time from
    # the right, up and down in turn, skipping the vertical timing column.
    positions = []
    upward = True
    for right in range(size - 1, 0, -2):
        col = right - 1 if right <= 6 else right
        rows = range(size - 1, -1, -1) if upward else range(size)
        for row in rows:
            for c in (col, col - 1):
                if qr.modules[row][c] is None:
                    positions.append((row, c))
        upward = not upward
    mask_function = qr_util.mask_func(QR_MASK)
    mask = 0
    for row, c in positions:
        mask = (mask << 1) | bool(mask_function(row, c))
    blocks = tuple(
        (block.data_count, block.total_count - block.data_count)
        for block in qr_base.rs_blocks(number, ERROR_CORRECTION)
    )
    return _Version(
        number=number,
        size=size,
        blocks=blocks,
        data_capacity=sum(data for data, _ec in blocks),
        template=tuple(bytes(bool(m) for m in row) for row in qr.modules),
        positions=tuple(positions),
        mask=mask,
    )


def _codewords(data: bytes) -> tuple[_Version, bytes]:
    """The smallest version that holds ``data`` in byte mode, and its data and
    error correction codewords, interleaved (ISO/IEC 18004 §7.4-7.6)."""
    for number in range(1, 41):
        count_bits = 8 if number < 10 else 16
        bits = 4 + count_bits + 8 * len(data)
        if bits <= qr_util.BIT_LIMIT_TABLE[ERROR_CORRECTION][number]:
            break
    else:
        raise qrcode.exceptions.DataOverflowError()
    version = _version(number)
    capacity = 8 * version.data_capacity
    # Mode indicator (byte mode, 0100), character count, the data, then a
    # terminator of up to four zero bits and zeros to the next byte boundary.
    value = (qr_util.MODE_8BIT_BYTE << count_bits | len(data)) << 8 * len(data)
    value |= int.from_bytes(data, "big")
    filled = min(capacity, (bits + 4 + 7) // 8 * 8)
    value <<= filled - bits
    stream = value.to_bytes(filled // 8, "big")
    pad = bytes((qr_util.PAD0, qr_util.PAD1)) * version.data_capacity
    stream += pad[: version.data_capacity - len(stream)]
    data_blocks, ec_blocks = [], []
    offset = 0
    for data_count, ec_count in version.blocks:
        block = stream[offset : offset + data_count]
        offset += data_count
        data_blocks.append(block)
        ec_blocks.append(_ec_bytes(block, ec_count))
    out = bytearray()
    for group in (data_blocks, ec_blocks):
        for i in range(max(len(block) for block in group)):
            out.extend(block[i] for block in group if i < len(block))
    return version, bytes(out)


def qr_matrix(url: str) -> list[bytearray]:
    """``url``'s QR code (byte mode, error correction M, mask ``QR_MASK``) as
    rows of modules, 1 dark, 0 light, without the quiet zone."""
    version, codewords = _codewords(url.encode("utf-8"))
    positions = version.positions
    # Positions beyond the codewords (remainder bits) carry 0 before masking.
    bits = int.from_bytes(codewords, "big") << (len(positions) - 8 * len(codewords))
    placed = format(bits ^ version.mask, f"0{len(positions)}b")
    rows = [bytearray(row) for row in version.template]
    for (row, col), bit in zip(positions, placed, strict=True):
        if bit == "1":
            rows[row][col] = 1
    return rows


def qr_commands(url: str) -> tuple[bytes, int]:
    """The PDF drawing operators of ``url``'s QR code (error correction M, the
    quiet zone included) and the side of its box in module units."""
    rows = qr_matrix(url)
    size = len(rows)
    # All rows in one buffer, each followed by a light module: one search finds
    # every run, its row and column come from its offset.
    stride = size + 1
    flat = b"\x00".join(rows) + b"\x00"
    spans = [run.span() for run in _DARK_RUN.finditer(flat)]
    ops = [
        b"0 0 0 rg\n0 0 0 RG",
        # Rows go down from the top left corner, inside the quiet zone.
        b"1 0 0 -1 %d %d cm" % (BORDER, BORDER + size),
        *[b"%d %d %d 1 re" % (s % stride, s // stride, e - s) for s, e in spans],
        b"f",
    ]
    return b"\n".join(ops), size + 2 * BORDER


class FastQRStamp(QRStamp):
    def _qr_xobject(self) -> Any:
        commands, side = qr_commands(self.url)
        xobject = init_xobject_dictionary(commands, side, side)
        xobject.compress()
        assert self.writer is not None  # a stamp is always drawn into a writer
        return self.writer.add_object(xobject), side


@dataclass(frozen=True)
class FastQRStampStyle(QRStampStyle):
    """``QRStampStyle`` whose stamps draw their QR code with ``qr_commands``."""

    def create_stamp(
        self,
        writer: BasePdfFileWriter,
        box: layout.BoxConstraints,
        text_params: dict[str, Any],
    ) -> QRStamp:
        url = text_params.pop("url")
        return FastQRStamp(
            writer, style=self, url=url, text_params=text_params, box=box
        )
