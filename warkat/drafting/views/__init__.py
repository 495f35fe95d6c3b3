"""Pages of outgoing letters, by topic: ``editor`` (the work lists, the editor,
the recipient picker), ``letter`` (the letter page, its actions, the PDF),
``number_register`` and ``setup`` (the admin's settings). ``drafting.urls`` maps
them."""
