"""Run as a separate process: wait for the start signal, then try a check-out or issue."""

import sys
import time

from inventory.errors import InventoryError
from inventory.operators import os_operator
from inventory.services import assets, purchasing, stock
from inventory.storage import open_store


def main() -> None:
    url, action, target, who, go_at = sys.argv[1:6]
    db = open_store(url)
    op = os_operator(db)
    while time.time() < float(go_at):
        time.sleep(0.0005)
    try:
        if action == "checkout":
            assets.check_out(db, op, target, person=who)
        elif action == "order":  # what approving the reorder list does, per supplier
            v = purchasing.create_order(db, op, who, "SR-HQ", [(target, 5)])
            print(f"OK {v.number}")
            return
        else:
            for _ in range(int(sys.argv[6])):
                stock.issue(db, op, target, 1, person=who, location="SR-HQ")
        print("OK")
    except InventoryError as exc:
        print(f"REFUSED {exc}")


if __name__ == "__main__":
    main()
