"""Read-only queries for the screens: ids, rows, details and figures as plain data.

No Qt here. Table queries follow one shape (see `common.TableQuery`): `ids(spec)` returns
the ids of the rows that match, in order, found and sorted by the database; `rows(ids)`
returns the cells for a handful of ids. A Qt model holds the ids and asks for rows as
they scroll into view.
"""
