from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "warkat.search"
    label = "search"
    verbose_name = _("Search")

    def ready(self) -> None:
        # The index follows letters, dispositions, follow-ups and file texts through
        # signals, so none of those apps imports search (search imports them).
        from warkat.letters.inbox import sender_match_install
        from warkat.search import receivers
        from warkat.search.selectors import sender_q

        receivers.connect()
        # The inbox's sender filter reads the index too (see letters.inbox).
        sender_match_install(sender_q)
