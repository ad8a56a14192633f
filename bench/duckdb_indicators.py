"""The DuckDB side of P3 (scripts/bench.sh indicators): the event tables of the benchmark database exported
with psql, loaded into an in-memory DuckDB with the same column types, and bench/sql/indicators_by_town.sql
run over them, timed in-process (the query alone, results fetched), on as many threads as the machine has.

usage: duckdb_indicators.py DATABASE_URL FROM TO REQUESTS
"""

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

TABLES = ["registry_entries", "subjects", "demands", "bank_responses", "products", "objections"]

# PostgreSQL column types as DuckDB names them; anything else is read as text.
TYPES = {
    "uuid": "UUID",
    "bigint": "BIGINT",
    "integer": "INTEGER",
    "smallint": "SMALLINT",
    "boolean": "BOOLEAN",
    "date": "DATE",
    "timestamp with time zone": "TIMESTAMPTZ",
    "timestamp without time zone": "TIMESTAMP",
    "double precision": "DOUBLE",
    "numeric": "DOUBLE",
}


def psql(url: str, *args: str) -> str:
    return subprocess.run(["psql", url, "-XAtq", *args], check=True, capture_output=True, text=True).stdout


def columns(url: str, table: str) -> list[tuple[str, str]]:
    out = psql(
        url,
        "-F",
        "\t",
        "-c",
        f"SELECT column_name, data_type FROM information_schema.columns WHERE table_name = '{table}' "
        "ORDER BY ordinal_position",
    )
    return [tuple(line.split("\t")) for line in out.splitlines() if line]


def load(con: duckdb.DuckDBPyConnection, url: str, table: str, work: Path) -> int:
    cols = columns(url, table)
    path = work / f"{table}.csv"
    # UTC timestamps with their offset, so DuckDB reads the same instants.
    psql(url, "-c", "SET TIME ZONE 'UTC'", "-c", f"\\copy {table} TO '{path}' WITH (FORMAT csv, HEADER)")
    types = ", ".join(f"'{name}': '{TYPES.get(kind, 'VARCHAR')}'" for name, kind in cols)
    con.execute(f"CREATE TABLE {table} AS SELECT * FROM read_csv('{path}', header = true, columns = {{{types}}})")
    return con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def main() -> None:
    url, period_from, period_to, requests = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    sql = Path(__file__).with_name("sql").joinpath("indicators_by_town.sql").read_text()
    sql = sql.replace(":'from'", f"'{period_from}'").replace(":'to'", f"'{period_to}'")
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    with tempfile.TemporaryDirectory() as work:
        started = time.perf_counter()
        loaded = {table: load(con, url, table, Path(work)) for table in TABLES}
        print(f"duckdb {duckdb.__version__}: exported and loaded {loaded} in {time.perf_counter() - started:.1f} s")
    for _ in range(3):
        con.execute(sql).fetchall()
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        rows = con.execute(sql).fetchall()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, round(len(times) * 0.95) - 1)]
    print(f"duckdb, hand-written SQL: {len(times)} runs, median {statistics.median(times):.1f} ms, p95 {p95:.1f} ms")
    names = [d[0] for d in con.description]
    print("\t".join(names))
    for row in rows:
        print("\t".join("" if v is None else str(v) for v in row))


if __name__ == "__main__":
    main()
