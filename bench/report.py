"""The README's Performance section, regenerated from the bench scripts' own output.

    python bench/report.py [--quick] [--db FILE] [--sizes 1000 4000] [--repeat 3]
                           [--memory-sizes 500 2000 8000] > bench/PERFORMANCE.md

Runs bench/startup.py, bench/pipeline.py and bench/memory.py (sizes and repeats below;
--quick: tiny sizes, for a smoke run) and prints a Markdown section: the
machine (CPU model, cores, memory), the load average before and after, each
command as it was run and what it printed. Nothing is typed in by hand, so
the section is as honest as the scripts; paste it into README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent


def machine() -> str:
    """CPU model, core count and memory, from /proc where there is one."""
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        mem_kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                      if line.startswith("MemTotal"))
        memory = f", {mem_kb / 1024 ** 2:.0f} GB memory"
    except (OSError, StopIteration, ValueError):
        memory = ""
    return f"{model}, {os.cpu_count()} cores{memory}; Python {platform.python_version()}"


def run(script: str, args: list[str]) -> tuple[str, str]:
    """The command line and its output (stderr appended when it failed)."""
    argv = [sys.executable, str(BENCH / script), *args]
    out = subprocess.run(argv, capture_output=True, text=True)
    text = out.stdout.rstrip()
    if out.returncode:
        text += f"\n(failed with exit code {out.returncode})\n{out.stderr[-2000:]}"
    return f"python bench/{script} {' '.join(args)}".rstrip(), text


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="tiny sizes (a smoke run)")
    ap.add_argument("--db", type=Path, help="a database for the read commands' start-up "
                                            "(bench/analysis.py --events 1000000 --db FILE)")
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 4000],
                    help="corpus sizes for bench/pipeline.py")
    ap.add_argument("--memory-sizes", type=int, nargs="+", default=[500, 2000, 8000],
                    help="corpus sizes for bench/memory.py (peak memory, flat in size)")
    ap.add_argument("--repeat", type=int, default=3, help="alternating rounds of each script")
    args = ap.parse_args()
    startup = (["--repeat", "1" if args.quick else str(max(args.repeat, 3))]
               + (["--db", str(args.db)] if args.db else []))
    pipeline = (["--sizes", "6", "--procs", "1", "--no-insert"] if args.quick
                else ["--sizes", *map(str, args.sizes), "--repeat", str(args.repeat)])
    memory = (["--sizes", "4", "8", "--words", "60", "--workers-size", "8", "--rounds", "1"]
              if args.quick else ["--sizes", *map(str, args.memory_sizes),
                                  "--rounds", str(args.repeat)])
    before = os.getloadavg()
    runs = [run("startup.py", startup), run("pipeline.py", pipeline), run("memory.py", memory)]
    after = os.getloadavg()
    print("## Performance\n")
    print(f"Measured {dt.date.today().isoformat()} on {machine()}; load average "
          f"{before[0]:.1f} before and {after[0]:.1f} after (1-minute), from other jobs on the "
          f"same machine. CPU seconds are the fairest figures on a shared machine; the "
          f"ratios compare runs made in the same round.\n")
    for command, text in runs:
        print(f"    {command}\n")
        print("\n".join(f"    {line}" if line else "" for line in text.splitlines()))
        print()


if __name__ == "__main__":
    main()
