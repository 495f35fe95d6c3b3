"""Signals of the OCR app. ``file_text_ready`` is sent inside the transaction that
stores a file's text (``FileText`` with ``state == done``), with ``file_text=`` the
row, so a listener (the search index) updates in the same transaction."""

from django.dispatch import Signal

file_text_ready = Signal()
