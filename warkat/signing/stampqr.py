"""The visible stamp's QR code, drawn in a fraction of pyHanko's time.

pyHanko's ``QRStamp`` asks the ``qrcode`` package to try all eight mask patterns
and keep the one with the lowest penalty (about 5 ms, a third of a B-T
signature), then paints every dark module as its own rectangle. Every mask
pattern gives a valid code that any reader decodes; the penalty only steers
away from patterns that look like finder patterns, which a short URL of a fixed
shape does not produce. Here the mask is fixed and each run of dark modules in
a row is one rectangle (about a third of the drawing operators).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import qrcode
from pyhanko.pdf_utils import layout
from pyhanko.pdf_utils.writer import BasePdfFileWriter, init_xobject_dictionary
from pyhanko.stamp import QRStamp, QRStampStyle

#: The mask pattern of every stamp's QR code (ISO/IEC 18004 §7.8.2, pattern 0:
#: (row + column) mod 2 = 0).
QR_MASK = 0


def qr_commands(url: str) -> tuple[bytes, int]:
    """The PDF drawing operators of ``url``'s QR code (error correction M, the
    quiet zone included) and the side of its box in module units."""
    qr = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M, mask_pattern=QR_MASK
    )
    qr.add_data(url)
    qr.make(fit=True)
    size = qr.modules_count
    border = qr.border
    ops = [
        b"0 0 0 rg\n0 0 0 RG",
        # Rows go down from the top left corner, inside the quiet zone.
        b"1 0 0 -1 %d %d cm" % (border, border + size),
    ]
    for y, row in enumerate(qr.modules):
        x = 0
        while x < size:
            if row[x]:
                start = x
                while x < size and row[x]:
                    x += 1
                ops.append(b"%d %d %d 1 re" % (start, y, x - start))
            else:
                x += 1
    ops.append(b"f")
    return b"\n".join(ops), size + 2 * border


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
