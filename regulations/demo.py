"""Demo catalogue: the district's important regulations (data/regulations.csv).

Idempotent: a regulation whose title is already in the catalogue is left alone.
"""

import csv
from pathlib import Path

from config.tabular import parse_date
from regulations.models import Regulation
from regulations.services import choice_code

DATA_FILE = Path(__file__).resolve().parent / "data" / "regulations.csv"


def seed(*, stdout) -> int:
    """Load the demo regulations; returns how many were added."""
    added = 0
    with DATA_FILE.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            published_on = parse_date(row.get("published_on"))
            _, created = Regulation.objects.get_or_create(
                title=row["title"].strip(),
                is_deleted=False,
                defaults={
                    "issuer": row["issuer"].strip(),
                    "level": choice_code(Regulation.Level, row["level"]) or "central",
                    "form": choice_code(Regulation.Form, row["form"]) or "regulation",
                    "branch": choice_code(Regulation.Branch, row.get("branch", ""))
                    or "",
                    "status": Regulation.Status.IN_FORCE,
                    "published_on": published_on,
                    "effective_on": published_on,
                },
            )
            added += created
    stdout.write(f"法规目录：新增 {added} 部法规（共 {Regulation.objects.count()} 部）")
    return added
