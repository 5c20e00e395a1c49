"""Write resources/focus/focus-sample.csv: three months of a small cloud and SaaS bill in
FOCUS 1.0 columns (daily rows; most tagged with a cost centre, some not). The demo loads
it shifted to its own last three complete months. Run: python tools/make_focus_sample.py"""

from __future__ import annotations

import csv
import json
import random
from datetime import date, timedelta
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "resources" / "focus" / "focus-sample.csv"
COLUMNS = ["BillingAccountId", "BillingPeriodStart", "BillingPeriodEnd", "ChargePeriodStart",
           "ChargePeriodEnd", "ChargeCategory", "ChargeDescription", "ProviderName",
           "ServiceName", "ServiceCategory", "ResourceId", "ResourceName", "RegionId",
           "BilledCost", "EffectiveCost", "BillingCurrency", "Tags"]
# (provider, service, category, resource id, name, cost centre or None, cost per day)
RESOURCES = [
    ("AWS", "Amazon EC2", "Compute", "i-0a1b2c3d4e5f60718", "erp-app-01", "CC-100", 41.0),
    ("AWS", "Amazon RDS", "Databases", "db-ERP-PROD", "erp-db", "CC-100", 36.5),
    ("AWS", "Amazon S3", "Storage", "arn:aws:s3:::eng-artifacts", "eng-artifacts", "CC-300",
     12.2),
    ("AWS", "Amazon EC2", "Compute", "i-0f9e8d7c6b5a40312", "ci-runner-02", "CC-300", 58.0),
    ("AWS", "Amazon VPC", "Networking", "nat-03a4b5c6d7e8f9a0b", "nat-gateway", None, 9.8),
    ("Microsoft", "Virtual Machines", "Compute", "/subscriptions/5f1c/vm/crm-web", "crm-web",
     "CC-200", 27.4),
    ("Microsoft", "Azure Monitor", "Management and Governance", "/subscriptions/5f1c/logs",
     "central-logs", None, 6.1),
    ("Salesforce", "Marketing Cloud", "Business Applications", "sfmc-org-7731", "campaigns",
     "CC-210", 33.0),
]


def rows(first: date, months: int = 3, seed: int = 14) -> list[list[str]]:
    rng = random.Random(seed)
    out = []
    day = first
    end = first
    for _ in range(months):
        end = (end.replace(day=28) + timedelta(days=4)).replace(day=1)
    while day < end:
        period = day.replace(day=1)
        next_period = (period.replace(day=28) + timedelta(days=4)).replace(day=1)
        for provider, service, category, rid, name, cc, per_day in RESOURCES:
            cost = round(per_day * rng.uniform(0.85, 1.15), 4)
            effective = round(cost * (0.92 if category == "Compute" else 1.0), 4)
            tags = {"env": "prod", "owner": name} | ({"cost_centre": cc} if cc else {})
            out.append([f"{provider[:3].upper()}-001", f"{period}T00:00:00Z",
                        f"{next_period}T00:00:00Z", f"{day}T00:00:00Z",
                        f"{day + timedelta(days=1)}T00:00:00Z", "Usage",
                        f"{service} usage", provider, service, category, rid, name,
                        "eu-west-1", f"{cost:.4f}", f"{effective:.4f}", "USD",
                        json.dumps(tags, separators=(",", ":"))])
        day += timedelta(days=1)
    return out


def main() -> None:
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(COLUMNS)
        writer.writerows(rows(date(2026, 9, 1)))
    print(OUT)


if __name__ == "__main__":
    main()
