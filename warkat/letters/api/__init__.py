"""HTTP API of incoming letters, one router per topic: a letter's own routes
(``letter``: registration, files added, the letter, settling, correction, sending
back, declassification), the ``inbox``, file and page ``files``, ``exports`` (tanda
terima, buku agenda) and the classification picker (``codes``). Their order is the
order of the URL patterns (``/letters/incoming`` before ``/letters/{id}``).

Each route spells out its operation id: ninja derives the default from the module
name, and the ids of the single ``letters/api.py`` these routers came from are what
API clients already use."""

from ninja import Router

from warkat.letters.api import codes, exports, files, inbox, letter

router = Router(tags=["letters"])
for sub in (letter, inbox, files, exports, codes):
    router.add_router("", sub.router)
