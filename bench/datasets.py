"""Identical synthetic datasets for the scale comparison: two Parquet files and the truth.

20-field customer records (`id` plus 17 text fields and 3 numbers), built column-wise with
polars from value pools and a seeded numpy generator, so 1M a side takes seconds and the same
seed gives the same bytes. The target is the source with `changed` of the rows differing in
one or two fields, `missing` of them absent and `extra` new rows; `Truth` names them all, so
every tool's findings are checked against it, not against each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import orjson
import polars as pl

KEY = "id"
TEXT_FIELDS = (
    "name", "legal_name", "email", "phone", "website", "street", "street2", "city", "state",
    "zip", "country", "industry", "segment", "owner", "status", "currency", "payment_terms",
)  # fmt: skip
NUMBER_FIELDS = ("credit_limit", "employees", "annual_revenue")
FIELDS = TEXT_FIELDS + NUMBER_FIELDS
TOLERANCE = 0.005  # absolute, on the numbers: every tool is told the same
_WORDS = ["acme", "north", "star", "river", "stone", "blue", "green", "summit", "harbor",
          "maple", "cedar", "iron", "oak", "silver", "bright", "delta", "vector", "pioneer",
          "global", "united", "alpine", "coastal", "urban", "prime", "nova"]  # fmt: skip
_CITIES = ["London", "Leeds", "Paris", "Lyon", "Berlin", "München", "Zürich", "New York",
           "Boston", "Toronto", "São Paulo", "Kraków", "Dublin", "Madrid", "Oslo"]  # fmt: skip
_POOLS: dict[str, list[str]] = {
    "state": ["CA", "NY", "TX", "Greater London", "Île-de-France", "Bayern", "ON", "QC"],
    "country": ["US", "GB", "FR", "DE", "CH", "CA", "BR", "PL", "IE", "ES", "NO", "DK"],
    "industry": ["Retail", "Wholesale", "Manufacturing", "Software", "Logistics", "Health"],
    "segment": ["SMB", "Mid-Market", "Enterprise", "Public"],
    "owner": [f"{a} {b}" for a in ("Ann", "Bo", "Chloé", "Dev", "Eli") for b in ("Ng", "Ruiz")],
    "status": ["active", "prospect", "on hold", "churned"],
    "currency": ["USD", "GBP", "EUR", "CHF", "CAD", "BRL"],
    "payment_terms": ["Net 15", "Net 30", "Net 45", "Net 60", "Due on receipt"],
}


@dataclass(frozen=True)
class Truth:
    """What every tool must find."""

    differing: list[str]  # matched keys with at least one changed field
    cells: int  # changed (key, field) cells
    missing: list[str]  # source keys absent from the target
    extra: list[str]  # target keys absent from the source

    def save(self, path: Path) -> None:
        path.write_bytes(orjson.dumps(self.__dict__))

    @classmethod
    def load(cls, path: Path) -> Truth:
        return cls(**orjson.loads(path.read_bytes()))


def _pick(rng: np.random.Generator, pool: list[str], n: int) -> pl.Series:
    return pl.Series(pool).gather(rng.integers(0, len(pool), n))


def customers(n: int, rng: np.random.Generator, start: int = 0) -> pl.DataFrame:
    """`n` customer records with keys C<start>...; values from pools, unique where real."""
    ids = pl.Series(KEY, np.arange(start, start + n)).cast(pl.Utf8)
    first, second = _pick(rng, _WORDS, n), _pick(rng, _WORDS, n)
    frame = pl.DataFrame({KEY: "C" + ids.str.zfill(9), "_first": first, "_second": second})
    first_col, second_col = pl.col("_first"), pl.col("_second")

    def numbers(low: int, high: int) -> pl.Series:
        return pl.Series(rng.integers(low, high, n)).cast(pl.Utf8)

    frame = frame.with_columns(
        name=pl.concat_str([first_col.str.to_titlecase(), second_col], separator=" "),
        legal_name=pl.concat_str(
            [first_col.str.to_uppercase(), second_col, pl.lit("Ltd")], separator=" "
        ),
        email=pl.concat_str([pl.lit("ap"), ids, pl.lit("@"), second_col, pl.lit(".example")]),
        phone=pl.concat_str([pl.lit("+1 415 555 "), numbers(1000, 9999)]),
        website=pl.concat_str([pl.lit("https://www."), first_col, ids, pl.lit(".example.com")]),
        street=pl.concat_str(
            [numbers(1, 999), pl.lit(" "), second_col.str.to_titlecase(), pl.lit(" Street")]
        ),
        street2=pl.when(pl.Series(rng.random(n)) < 0.3)
        .then(pl.lit("Unit 4"))
        .otherwise(pl.lit("")),
        city=_pick(rng, _CITIES, n),
        zip=numbers(10000, 99999),
        **{field: _pick(rng, pool, n) for field, pool in _POOLS.items()},
        credit_limit=pl.Series(rng.integers(0, 100_000, n) * 10.0),
        employees=pl.Series(rng.integers(1, 50_000, n)).cast(pl.Float64),
        annual_revenue=pl.Series(np.round(rng.random(n) * 1e7, 2)),
    )
    return frame.select(KEY, *FIELDS)


def build(
    directory: Path,
    rows: int,
    seed: int = 7,
    changed: float = 0.05,
    missing: float = 0.01,
    extra: float = 0.01,
) -> Truth:
    """Write source.parquet, target.parquet and truth.json under `directory`."""
    rng = np.random.default_rng(seed)
    source = customers(rows, rng)
    order = rng.permutation(rows)
    n_missing, n_changed = int(rows * missing), int(rows * changed)
    dropped = np.sort(order[:n_missing])
    touched = np.sort(order[n_missing : n_missing + n_changed])
    first = rng.integers(0, len(FIELDS), n_changed)
    # A third of the changed rows differ in a second field as well.
    second = np.where(rng.random(n_changed) < 1 / 3, (first + 7) % len(FIELDS), first)
    target = source.with_row_index("_row")
    marks = pl.DataFrame({"_row": touched.astype(np.uint32), "_f1": first, "_f2": second})
    target = target.join(marks, on="_row", how="left")
    hit = [
        (pl.col("_f1") == i) | (pl.col("_f2") == i) for i in range(len(FIELDS))
    ]  # fmt: skip
    target = target.with_columns(
        [
            pl.when(hit[i]).then(pl.col(f) + " (edited)").otherwise(pl.col(f)).alias(f)
            if f in TEXT_FIELDS
            else pl.when(hit[i]).then(pl.col(f) + 1.0).otherwise(pl.col(f)).alias(f)
            for i, f in enumerate(FIELDS)
        ]
    )
    keep = pl.Series(np.ones(rows, dtype=bool)).scatter(dropped, False)
    target = target.filter(keep).select(KEY, *FIELDS)
    added = customers(int(rows * extra), rng, start=rows)
    target = pl.concat([target, added]).sample(fraction=1.0, shuffle=True, seed=seed)
    directory.mkdir(parents=True, exist_ok=True)
    source.write_parquet(directory / "source.parquet")
    target.write_parquet(directory / "target.parquet")
    keys = source[KEY]
    truth = Truth(
        differing=sorted(keys.gather(touched).to_list()),
        cells=int(n_changed + np.count_nonzero(second != first)),
        missing=sorted(keys.gather(dropped).to_list()),
        extra=sorted(added[KEY].to_list()),
    )
    truth.save(directory / "truth.json")
    return truth


if __name__ == "__main__":
    import sys

    build(Path(sys.argv[1]), int(sys.argv[2]), seed=int(sys.argv[3]) if len(sys.argv) > 3 else 7)
