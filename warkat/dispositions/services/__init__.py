"""Every write to dispositions, one service per state transition, by topic:
``create`` (dispose and dispose further), ``reading``, ``followup`` and ``closing``
(decline, close, send back, cancel). The state machine they share is in
``warkat.dispositions.workflow``."""
