from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArchiveConfig(AppConfig):
    name = "warkat.archive"
    label = "archive"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from warkat.accounts.models import Role
        from warkat.archive.models import TenantClassificationCode
        from warkat.archive.services import dues
        from warkat.core.home import HomeLink, home_link_register
        from warkat.letters.bulk import bulk_fields_watch, letters_updated
        from warkat.letters.models import Letter

        uid = "warkat.archive.dues"
        post_save.connect(dues.letter_saved, sender=Letter, dispatch_uid=uid)
        # Bulk writes (queryset ``update()``) send no post_save (``letters.bulk``).
        bulk_fields_watch(dues.LETTER_FIELDS)
        letters_updated.connect(dues.letters_bulk_updated, dispatch_uid=f"{uid}.bulk")
        for signal in (post_save, post_delete):
            signal.connect(
                dues.local_code_changed,
                sender=TenantClassificationCode,
                dispatch_uid=f"{uid}.code",
            )

        # The page itself decides who sees what (unit TU, records staff, committee).
        home_link_register(
            HomeLink(
                key="archive.index",
                label=_("Archive: retention and disposal"),
                url_name="archive:index",
                roles=frozenset({Role.TENANT_ADMIN, Role.TU, Role.PIMPINAN}),
                order=70,
            )
        )
