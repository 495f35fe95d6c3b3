"""Every write to letters, by topic: ``registration`` (the TU registers an incoming
letter), ``files`` (a scan or attachment added later), ``correction`` (the TU corrects
a registration, re-routes it or sends a returned letter again), ``addressee`` (read,
settle without disposing, send back to the TU), ``delivery`` (a letter sent inside
Warkat arrives, possibly in another tenant) and ``page_queue`` (queueing the page
pictures of stored PDFs). What registration, correction and delivery share — the
agenda number, the field checks, attaching files, the addressee's notice — is in
``incoming``."""
