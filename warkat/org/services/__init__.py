"""Every write to the organisation, by topic: ``units``, ``positions``, ``people``
and ``assignments``."""
