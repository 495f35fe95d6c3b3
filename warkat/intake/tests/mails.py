"""E-mails for the mail-in tests."""

from __future__ import annotations

from email.message import EmailMessage

from warkat.letters.samples import sample_pdf, sample_png


def letter_mail(
    *,
    pdfs: int = 2,
    message_id: str = "<surat-1@papua.invalid>",
    extra: list[tuple[str, bytes, str]] | None = None,
) -> bytes:
    msg = EmailMessage()
    msg["From"] = "Dinas Kominfo Provinsi <kominfo@papua.invalid>"
    msg["To"] = "tu@keerom.invalid"
    msg["Subject"] = "Undangan rapat koordinasi SPBE"
    msg["Date"] = "Mon, 02 Nov 2026 09:30:00 +0900"
    msg["Message-ID"] = message_id
    msg.set_content("Dengan hormat, terlampir surat kami.")
    for n in range(pdfs):
        msg.add_attachment(
            sample_pdf([f"Surat {n}"]),
            maintype="application",
            subtype="pdf",
            filename=f"surat-{n}.pdf",
        )
    msg.add_attachment(
        sample_png(), maintype="image", subtype="png", filename="logo.png"
    )
    for name, data, ctype in extra or []:
        main, sub = ctype.split("/")
        msg.add_attachment(data, maintype=main, subtype=sub, filename=name)
    return bytes(msg)


BROKEN_MIME = (
    b"From: Someone <someone@papua.invalid>\r\n"
    b"Subject: Rusak\r\n"
    b"Message-ID: <rusak@papua.invalid>\r\n"
    b"MIME-Version: 1.0\r\n"
    b'Content-Type: multipart/mixed; boundary="XYZ"\r\n'
    b"\r\n"
    b"no boundary ever starts here\r\n"
)
