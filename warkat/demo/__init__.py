"""The demo: Provinsi Papua hosting Kabupaten Keerom, built through the real services.

One module per app (``organisation`` with its chart in ``org_chart``, ``accounts``,
``letters``, ``drafting``) and the ``demo_load`` command that runs them in order. This
package is the top layer: it may use any app's services and selectors, and no app
imports it (only tests do)."""
