"""Bulk import of units, positions and people (with assignments) from CSV or XLSX.

Every row goes through the same services as the UI, inside one transaction with a
savepoint per row: a dry run, or a file with any bad row, is rolled back whole, and
the report lists every row with what it did or why it failed. Rows are matched by
unit/position code and by NIP, so importing the same file again changes nothing.

By topic: ``columns`` (what each kind of file holds, and the blank templates),
``reading`` (CSV/XLSX into rows) and ``applying`` (rows through the services).
"""
