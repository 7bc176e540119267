"""Render the portfolio report's summary page to docs/img/summary.png (for the README).

    python tools/summary_image.py [REPORT.pdf]

Without an argument it renders the sample portfolio report first (needs pdftoppm and
pdftotext from poppler-utils).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "img" / "summary.png"


def summary_page(pdf: Path) -> int:
    """The 1-based number of the page that holds the summary and its status table."""
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    for number, page in enumerate(text.split("\f"), start=1):
        if ("Sammendrag" in page or "Summary" in page) and ("Statusoversikt" in page or "Scorecard" in page):
            return number
    raise SystemExit(f"no summary page found in {pdf}")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        if len(sys.argv) > 1:
            pdf = Path(sys.argv[1])
        else:
            from pilot_eval.render.batch import render_reports

            result = render_reports(ROOT / "data" / "sample", as_of="2026-06-30", pilots=[],
                                    out=Path(tmp))
            pdf = result["out_dir"] / "portfolio_report.pdf"
        page = summary_page(pdf)
        OUT.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(["pdftoppm", "-png", "-r", "90", "-f", str(page), "-l", str(page),
                        "-singlefile", str(pdf), str(OUT.with_suffix(""))], check=True)
    print(OUT)


if __name__ == "__main__":
    main()
