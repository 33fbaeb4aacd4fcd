"""Write docs/scenario-reference.md, the scenario format's field reference, from the JSON Schema.

PYTHONPATH=src python scripts/scenario_reference.py          # rewrite the page
PYTHONPATH=src python scripts/scenario_reference.py --check  # exit 1 if the page is not current
"""

from __future__ import annotations

import sys
from pathlib import Path

from accord.io.schema import scenario_json_schema
from accord.io.schema_docs import reference_markdown, undocumented

PAGE = Path(__file__).resolve().parents[1] / "docs" / "scenario-reference.md"


def main(argv: list[str]) -> int:
    schema = scenario_json_schema()
    missing = undocumented(schema)
    if missing:
        print(f"fields without a description (add them to accord.io.schema_docs.FIELDS): {missing}")
        return 1
    text = reference_markdown(schema)
    if "--check" in argv:
        current = PAGE.exists() and PAGE.read_text(encoding="utf-8") == text
        print(f"{PAGE}: {'current' if current else 'out of date (run scripts/scenario_reference.py)'}")
        return 0 if current else 1
    PAGE.write_text(text, encoding="utf-8")
    print(f"wrote {PAGE}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
