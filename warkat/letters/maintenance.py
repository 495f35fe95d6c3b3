"""Housekeeping of letter files: removing files no row refers to."""

from __future__ import annotations

import datetime as dt

from warkat.dispositions.models import FollowUpFile
from warkat.letters.files import orphan_files_sweep
from warkat.letters.models import LetterFile
from warkat.ocr.models import FileText
from warkat.tenancy.models import Tenant

#: A file younger than this may belong to a transaction that has not committed yet.
ORPHAN_GRACE = dt.timedelta(hours=2)


def orphan_sweep(*, tenant: Tenant) -> list[str]:
    """Delete the tenant's stored files that no letter, follow-up or text row points at
    (left by a transaction that rolled back after storing them). Inside its scope."""
    known = set(LetterFile.objects.values_list("storage_name", flat=True))
    known |= set(FollowUpFile.objects.values_list("storage_name", flat=True))
    # The searchable PDF/A made from a scan lives beside it (``warkat.ocr``).
    known |= set(
        FileText.objects.exclude(searchable_name="").values_list(
            "searchable_name", flat=True
        )
    )
    return orphan_files_sweep(tenant_id=tenant.pk, known=known, older_than=ORPHAN_GRACE)
