"""Every write of retention and disposal: settings and holds (``setup``), the
lists and their appraisal (``batches``), the berita acara's signatures (``signing``)."""
