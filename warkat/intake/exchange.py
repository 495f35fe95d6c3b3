"""The exchange package of one letter (``docs/exchange-package.md``): a ZIP laid
out like a BagIt bag, with the letter's metadata in the fields of the national
naskah dinas format, its signed PDF, its attachments and SHA-256 checksums.

``package_build`` writes one; ``package_read`` checks one (layout, sizes, names,
checksums, metadata) and returns its parts, or raises ``ValidationError`` with the
reason. Neither touches the database."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from warkat.intake import errors

FORMAT = "warkat-naskah-dinas-exchange/1"
MAIN = "data/naskah.pdf"
METADATA = "data/metadata.json"
MANIFEST = "manifest-sha256.txt"
BAGIT = "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
MAX_MEMBERS = 100


@dataclass
class Package:
    metadata: dict[str, Any]
    main: tuple[str, bytes]
    attachments: list[tuple[str, bytes]] = field(default_factory=list)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def package_build(
    *, metadata: dict[str, Any], main: bytes, attachments: list[tuple[str, bytes]]
) -> bytes:
    """The ZIP of a package; ``metadata`` gains the file list with checksums."""
    files: dict[str, bytes] = {MAIN: main}
    listed = []
    for n, (name, data) in enumerate(attachments, start=1):
        path = f"data/lampiran/{n:02d}-{_safe(name)}"
        files[path] = data
        listed.append(
            {
                "nama": name,
                "berkas": path[5:],
                "sha256": _sha(data),
                "ukuran": len(data),
            }
        )
    meta = {
        **metadata,
        "format": FORMAT,
        "naskah": {"berkas": MAIN[5:], "sha256": _sha(main), "ukuran": len(main)},
        "lampiran": listed,
    }
    files[METADATA] = json.dumps(meta, ensure_ascii=False, indent=2).encode()
    manifest = "".join(
        f"{_sha(data)}  {path}\n" for path, data in sorted(files.items())
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("bagit.txt", BAGIT)
        archive.writestr(MANIFEST, manifest)
        for path, data in files.items():
            archive.writestr(path, data)
    return buffer.getvalue()


def _safe(name: str) -> str:
    keep = "".join(c if c.isalnum() or c in "-_." else "_" for c in name)
    return keep.strip("._")[:100] or "lampiran"


def package_read(data: bytes, *, limit: int) -> Package:
    """The checked parts of a package; ``limit`` bounds its unpacked size."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise errors.package_invalid(_("it is not a ZIP file")) from exc
    if len(members) > MAX_MEMBERS or sum(m.file_size for m in members) > limit:
        raise errors.package_invalid(_("it is too large"))
    names = {m.filename for m in members if not m.is_dir()}
    if "bagit.txt" not in names or MANIFEST not in names or METADATA not in names:
        raise errors.package_invalid(
            _("bagit.txt, the manifest or metadata.json is missing")
        )
    try:
        contents = {name: archive.read(name) for name in names}
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise errors.package_invalid(_("a file in it cannot be read")) from exc
    manifest = _manifest(contents[MANIFEST])
    payload = {n for n in names if n.startswith("data/")}
    if set(manifest) != payload:
        raise errors.package_invalid(_("the manifest does not list exactly its files"))
    for path, digest in manifest.items():
        if _sha(contents[path]) != digest:
            raise errors.package_invalid(
                _("the checksum of a file does not match (altered in transit?)")
            )
    try:
        metadata = json.loads(contents[METADATA])
    except (ValueError, UnicodeDecodeError) as exc:
        raise errors.package_invalid(_("metadata.json is not valid JSON")) from exc
    if not isinstance(metadata, dict) or metadata.get("format") != FORMAT:
        raise errors.package_invalid(_("metadata.json is not of this format"))
    if MAIN not in contents or not str(metadata.get("perihal", "")).strip():
        raise errors.package_invalid(
            _("the letter or its subject (perihal) is missing")
        )
    attachments = []
    for entry in metadata.get("lampiran") or []:
        path = "data/" + str(entry.get("berkas", "")) if isinstance(entry, dict) else ""
        if path not in contents or path in (MAIN, METADATA):
            raise errors.package_invalid(
                _("an attachment listed in metadata is missing")
            )
        attachments.append(
            (str(entry.get("nama") or path.rsplit("/", 1)[-1]), contents[path])
        )
    return Package(
        metadata=metadata, main=("naskah.pdf", contents[MAIN]), attachments=attachments
    )


def _manifest(raw: bytes) -> dict[str, str]:
    found: dict[str, str] = {}
    for line in raw.decode("utf-8", "replace").splitlines():
        if not line.strip():
            continue
        digest, _sep, path = line.partition("  ")
        path = path.strip()
        if len(digest) != 64 or not path.startswith("data/") or ".." in path.split("/"):
            raise errors.package_invalid(_("the manifest is malformed"))
        found[path] = digest.lower()
    return found
