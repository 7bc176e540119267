"""Regenerate tests/data/flavours/ from tests/data/minimal/ (run by hand; output committed).

Each flavour is the same invented data written the way real spreadsheet programs write it:

* ``semicolon_cp1252``: Excel on Windows, Norwegian locale, "CSV (semikolondelt)":
  Windows-1252, ``;`` separator, decimal comma, ``DD.MM.YYYY`` dates, spaces as thousands
  separators and CRLF line ends.
* ``bom_semicolon``: Excel's "CSV UTF-8": UTF-8 with BOM, ``;`` separator, decimal comma.
* ``xlsx``: every table as an Excel workbook with real date and number cells.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd

HERE = Path(__file__).parent
SRC = HERE / "minimal"
DATE_COLS = {"date", "start_date", "end_date", "enrolled_on", "exited_on", "measured_on"}
NUM_COLS = {"amount_nok", "grant_nok", "hours", "value", "mid", "reliability", "sd_reference",
            "scale_min", "scale_max", "success_threshold", "count"}


def _norwegian(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for col in out.columns:
        s = out[col].astype("string").fillna("")
        if col in DATE_COLS:
            d = pd.to_datetime(s.where(s.str.len() == 10), format="%Y-%m-%d", errors="coerce")
            out[col] = d.dt.strftime("%d.%m.%Y").fillna(s)
        elif col in NUM_COLS:
            x = pd.to_numeric(s, errors="coerce")
            big = x.abs() >= 10000
            txt = s.str.replace(".", ",", regex=False)
            grouped = x[big].map(lambda v: f"{v:,.2f}".replace(",", " ").replace(".", ",")
                                 .removesuffix(",00"))
            out[col] = txt.where(~big, grouped)
        else:
            out[col] = s
    return out


def main() -> None:
    base = HERE / "flavours"
    shutil.rmtree(base, ignore_errors=True)
    for flavour in ("semicolon_cp1252", "bom_semicolon", "xlsx"):
        dest = base / flavour
        dest.mkdir(parents=True)
        shutil.copy(SRC / "agreement.toml", dest / "agreement.toml")
        for csv in sorted(SRC.glob("*.csv")):
            frame = pd.read_csv(csv, dtype=str, keep_default_na=False)
            if flavour == "xlsx":
                typed = frame.copy()
                for col in typed.columns:
                    if col in DATE_COLS:
                        parsed = pd.to_datetime(typed[col], format="%Y-%m-%d", errors="coerce")
                        typed[col] = parsed.astype(object).where(parsed.notna(), typed[col])
                    elif col in NUM_COLS or col in {"target_age_min", "target_age_max", "reach_target",
                                                      "birth_year", "year", "age"}:
                        typed[col] = pd.to_numeric(typed[col], errors="coerce")
                typed.to_excel(dest / f"{csv.stem}.xlsx", index=False)
                continue
            text = _norwegian(frame).to_csv(sep=";", index=False, lineterminator="\r\n")
            if flavour == "semicolon_cp1252":
                (dest / csv.name).write_bytes(text.encode("cp1252"))
            else:
                (dest / csv.name).write_bytes(text.encode("utf-8-sig"))
    (base / "README.md").write_text(__doc__.split("\n", 2)[2].strip() + "\n\nMade by "
                                    "tests/data/make_flavours.py from tests/data/minimal/ (invented data).\n",
                                    encoding="utf-8")


if __name__ == "__main__":
    main()
