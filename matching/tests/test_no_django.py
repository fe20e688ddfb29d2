import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent
IMPORT = re.compile(r"^\s*(import|from)\s+django\b", re.MULTILINE)


def test_matching_package_never_imports_django():
    offenders = [
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if IMPORT.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
