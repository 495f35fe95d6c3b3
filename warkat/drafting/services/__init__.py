"""Every write of the drafting workflow, by topic: ``drafts`` (create and update a
draft, each save a version, and the reviewer's edit), ``chain`` (the paraf chain),
``review`` (submit, paraf, return) and ``notify`` (queuing the in-app notices).
Signing and sending live in ``drafting.sending``, the number register in
``drafting.register``; the state machine they all share is in
``drafting.workflow``."""
