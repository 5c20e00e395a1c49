"""What IT costs and charges: depreciation, seats, spares, repairs and cloud bills split to
cost centres by day (showback), the rate card, budgets and the numbers a manager steers by
(`kpi`). Reads are set-based SQL over the ledger; writes are commands (`commands.py`)."""
