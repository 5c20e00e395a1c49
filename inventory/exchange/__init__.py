"""Moving data in and out: import (CSV/XLSX, presets, dry run, one transaction), export
(tables and the ledger, formulas neutralised), 3PL statement reconciliation, restore.

Modules: `reading` (files), `values` (cells), `fields` (kinds, presets, mapping),
`importer` + `import_*` (planning and writing rows), `tables` + `export`, `reconcile`,
`restore`, `template` (the generic template in resources/templates), `cli`.
"""
