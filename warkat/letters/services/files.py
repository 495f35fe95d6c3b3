"""Adding a scan or attachment to a registered incoming letter."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from warkat.audit.services import audit_record
from warkat.letters.files import Upload, file_check, stored_files_guard
from warkat.letters.integrity import file_addable
from warkat.letters.models import Letter, LetterFile
from warkat.letters.services.page_queue import pages_schedule


def letter_file_add(*, actor: Any, letter: Letter, upload: Upload) -> LetterFile:
    """Add a scan or attachment to an incoming letter not yet disposed (its TU or
    a tenant admin who may read it; ``file_addable``)."""
    file_addable(actor=actor, letter=letter)
    checked = file_check(upload=upload)
    with stored_files_guard() as stored:
        name = stored.store(tenant_id=letter.tenant_id, checked=checked)
        with transaction.atomic():
            # Checked again on the locked row: disposed or re-routed meanwhile.
            locked = (
                Letter.objects.select_related("unit")
                .select_for_update(of=("self",))
                .get(pk=letter.pk)
            )
            file_addable(actor=actor, letter=locked)
            has_main = LetterFile.objects.filter(letter=locked).exists()
            _attach_one = LetterFile(
                tenant_id=locked.tenant_id,
                letter=locked,
                kind=LetterFile.Kind.ATTACHMENT if has_main else LetterFile.Kind.MAIN,
                storage_name=name,
                original_name=checked.name,
                content_type=checked.content_type,
                size=checked.size,
                sha256=checked.sha256,
                uploaded_by=actor if getattr(actor, "pk", None) else None,
            )
            _attach_one.save()
            pages_schedule(letter=locked, content_types=[checked.content_type])
            audit_record(
                tenant=locked.tenant,
                actor=actor,
                action="letter.file_add",
                obj=locked,
                data={"file": checked.name, "sha256": checked.sha256},
            )
    return _attach_one
