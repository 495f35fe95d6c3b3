"""Rendering for signing: the signature box, attachments, and a fetcher that never
leaves the server."""

from __future__ import annotations

import io
from typing import Any

import pytest
from PIL import Image
from pypdf import PdfReader

from warkat.core.errors import DomainError
from warkat.signing.render import render_for_signing
from warkat.signing.tests.factories import LETTER_HTML, letter_pdf


def test_signature_box_in_points_from_the_bottom() -> None:
    rendered = letter_pdf()
    assert rendered.signature_box is not None
    x1, y1, x2, y2 = rendered.signature_box.box
    # 8 cm wide, 3.2 cm high at 72 pt per inch; origin bottom-left.
    assert x2 - x1 == pytest.approx(8 / 2.54 * 72, abs=2)
    assert y2 - y1 == pytest.approx(3.2 / 2.54 * 72, abs=2)
    assert 0 < y1 < y2 < 842
    assert rendered.pages == len(PdfReader(io.BytesIO(rendered.pdf)).pages)


def test_attachments_are_appended() -> None:
    png = io.BytesIO()
    Image.new("RGB", (300, 200), "white").save(png, "PNG")
    main = letter_pdf(paragraphs=2)
    rendered = render_for_signing(
        html=LETTER_HTML % "<p>Isi</p>", attachments=[main.pdf, png.getvalue()]
    )
    assert rendered.pages == 1 + main.pages + 1
    with pytest.raises(DomainError) as exc:
        render_for_signing(html=LETTER_HTML % "", attachments=[b"not a file"])
    assert exc.value.code == "pdf.attachment_invalid"


def test_fetcher_refuses_files_and_network(tmp_path: Any, caplog: Any) -> None:
    secret = tmp_path / "secret.png"
    Image.new("RGB", (10, 10), "red").save(secret, "PNG")
    html = LETTER_HTML % (
        f'<img src="file://{secret}"><img src="http://127.0.0.1:9/x.png">'
        '<img src="/static/../../etc/passwd">'
    )
    rendered = render_for_signing(html=html)
    # No image made it into the PDF, while an allowed data: image does.
    assert not any(page.images for page in PdfReader(io.BytesIO(rendered.pdf)).pages)
    data = io.BytesIO()
    Image.new("RGB", (10, 10), "red").save(data, "PNG")
    import base64

    uri = "data:image/png;base64," + base64.b64encode(data.getvalue()).decode()
    allowed = render_for_signing(html=LETTER_HTML % f'<img src="{uri}">')
    assert any(page.images for page in PdfReader(io.BytesIO(allowed.pdf)).pages)
    assert "refused" in caplog.text.lower() or "Failed to load" in caplog.text
