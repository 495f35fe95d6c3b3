"""Static files: WhiteNoise, with the cache lifetime of issue 15."""

from __future__ import annotations

from whitenoise.middleware import WhiteNoiseMiddleware


class StaticFilesMiddleware(WhiteNoiseMiddleware):
    """Files with a content hash in their name never change, so browsers keep them
    (``Cache-Control: max-age=31536000, public, immutable``) for a year, the longest
    lifetime HTTP caches honour (RFC 9111 §5.2.2.1 advises no more), rather than
    WhiteNoise's ten."""

    FOREVER = 365 * 24 * 60 * 60
