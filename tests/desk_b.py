"""Another desk, as a separate process: one write through the operations layer per line of
stdin, answering "OK <seconds since epoch at commit>" or "REFUSED <message>" per line.

    python -m tests.desk_b URL [OPERATOR PASSWORD]
    stdin: checkout TAG EMPLOYEE | checkin TAG | receive LOCATION PRODUCT QTY
           | count LOCATION PRODUCT QTY (start, scan, approve) | quit
"""

from __future__ import annotations

import sys
import time

from inventory import operations
from inventory.commands import ApproveCount, CheckIn, CheckOut, CountScan, Receive, StartCount
from inventory.errors import InventoryError
from inventory.operators import current_operator
from inventory.services.receiving import ReceiptLine
from inventory.storage import open_store


def main() -> None:
    url = sys.argv[1]
    user, password = (sys.argv[2], sys.argv[3]) if len(sys.argv) > 3 else (None, None)
    db = open_store(url)
    op = current_operator(db, user, password)
    print("READY", flush=True)
    for line in sys.stdin:
        words = line.split()
        if not words or words[0] == "quit":
            break
        try:
            what = words[0]
            if what == "checkout":
                operations.execute(db, op, CheckOut(words[1], person=words[2]))
            elif what == "checkin":
                operations.execute(db, op, CheckIn(words[1]))
            elif what == "receive":
                operations.execute(db, op, Receive(words[1], (ReceiptLine(words[2],
                                                                          int(words[3])),)))
            elif what == "count":
                count_id = operations.execute(db, op, StartCount(words[1])).view
                operations.execute(db, op, CountScan(count_id, words[2], int(words[3])))
                operations.execute(db, op, ApproveCount(count_id, "stocktake"))
            print(f"OK {time.time():.6f}", flush=True)
        except InventoryError as exc:
            print(f"REFUSED {exc}", flush=True)


if __name__ == "__main__":
    main()
