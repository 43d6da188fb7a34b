"""Benchmark reportgen against pandoc + LibreOffice and pandoc + WeasyPrint.

One run prints a Markdown table and writes bench/results/latest.md and latest.json.
Nothing is installed: missing tools are reported and their rows are skipped.

Every timed run is a fresh process tree: a small Python wrapper (itself a fresh process)
runs the row's commands one after the other, times them with a monotonic clock, and
prints its own RUSAGE_CHILDREN ru_maxrss, which is the peak RSS of the largest process
of that run only (a new wrapper per run, so the running maximum never leaks between
runs). Each row gets one untimed warm-up run first; the table shows the median.

    .venv/bin/python bench/run.py              # 7 runs a row, batch of 100 reports
    .venv/bin/python bench/run.py --quick      # 3 runs a row, batch of 10
    .venv/bin/python bench/run.py --batch 0    # no batch rows
"""

from __future__ import annotations

import argparse
import ctypes.util
import datetime as dt
import json
import os
import platform
import re
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
VENV_BIN = ROOT / ".venv" / "bin"
SEED_REPORT = ROOT / "content" / "tsag-2018-12-quantum-adhoc"
SEED_MD = BENCH / "seed.md"
RESULTS = BENCH / "results"

RUN_TIMEOUT = 300.0  # seconds, one run of one single-report row
# the targets (seconds, ratios peer/reportgen, MiB)
DOCX_TARGET = 0.3
ALL_RATIO_TARGET = 1.0
BATCH_RATIO_TARGET = 0.8
WATCH_DOCX_TARGET = 0.3
WATCH_PDF_TARGET = 0.8
WORKER_MEMORY_TARGET = 150.0
RATIO_HELP = "ratio = peer time / reportgen time; above 1 means reportgen is faster"
RATIO_SHORT = "peer / reportgen; above 1: reportgen faster"

# Runs the commands given as JSON in argv[1] one after the other; prints JSON with the
# elapsed wall time and the peak RSS (KiB) of the largest child or grandchild.
WRAPPER = r"""
import json, resource, subprocess, sys, time
steps, timeout = json.loads(sys.argv[1]), float(sys.argv[2])
res = {"rc": 0, "stdout": "", "stderr": ""}
start = time.perf_counter()
for argv in steps:
    try:
        p = subprocess.run(argv, capture_output=True, text=True, errors="replace",
                           stdin=subprocess.DEVNULL, timeout=timeout)
    except subprocess.TimeoutExpired:
        res["rc"], res["stderr"] = -1, res["stderr"] + f"timed out after {timeout} s"
        break
    except OSError as exc:
        res["rc"], res["stderr"] = 127, res["stderr"] + f"cannot run {argv[0]}: {exc}"
        break
    res["stdout"] += p.stdout
    res["stderr"] += p.stderr
    if p.returncode:
        res["rc"] = p.returncode
        break
res["seconds"] = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
res["maxrss_kib"] = usage.ru_maxrss
res["cpu_seconds"] = usage.ru_utime + usage.ru_stime  # every process of the run, reaped
print(json.dumps(res))
"""


# ------------------------------------------------------------------------ measuring


@dataclass
class Sample:
    seconds: float
    maxrss_kib: int
    rc: int
    stdout: str
    stderr: str
    cpu_seconds: float = 0.0


def measure(steps: list[list[str]], cwd: Path, timeout: float = RUN_TIMEOUT) -> Sample:
    """Run ``steps`` in one fresh wrapper process and return its timing and peak RSS."""
    argv = [sys.executable, "-I", "-c", WRAPPER, json.dumps(steps), str(timeout)]
    proc = subprocess.run(argv, cwd=cwd, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, check=False)
    if proc.returncode != 0:
        return Sample(0.0, 0, proc.returncode, "", f"wrapper failed: {proc.stderr}")
    data = json.loads(proc.stdout)
    return Sample(data["seconds"], data["maxrss_kib"], data["rc"], data["stdout"],
                  data["stderr"], data.get("cpu_seconds", 0.0))


def busy_cpu_seconds() -> float:
    """Non-idle CPU seconds of the whole machine since boot; -1 where /proc is absent."""
    try:
        fields = Path("/proc/stat").read_text(encoding="ascii").split("\n")[0].split()[1:]
    except OSError:
        return -1.0
    ticks = [int(x) for x in fields[:8]]  # user nice system idle iowait irq softirq steal
    return (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")


def own_cpu_seconds() -> float:
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    return total


@dataclass
class CpuMeter:
    """CPU seconds used by other processes while the benchmark ran: all busy CPU time
    (/proc/stat) minus this process's and its children's CPU time."""

    start_wall: float = field(default_factory=time.monotonic)
    start_busy: float = field(default_factory=busy_cpu_seconds)
    start_own: float = field(default_factory=own_cpu_seconds)

    def foreign_share(self) -> float | None:
        busy, wall = busy_cpu_seconds(), time.monotonic() - self.start_wall
        if busy < 0 or self.start_busy < 0 or wall <= 0:
            return None
        foreign = (busy - self.start_busy) - (own_cpu_seconds() - self.start_own)
        return max(0.0, foreign) / (wall * cores())


Check = Callable[[Sample], str | None]


def exit_ok(sample: Sample) -> str | None:
    if sample.rc != 0:
        return f"exit {sample.rc}: {last_line(sample.stderr or sample.stdout)}"
    return None


def last_line(text: str) -> str:
    """The last non-empty line (a traceback ends with the error), cut to 200 characters."""
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1][:200] if lines else "(no output)"


def first_line(text: str) -> str:
    return text.strip().splitlines()[0][:100] if text.strip() else "?"


def stdout_has(*needles: str) -> Check:
    def check(sample: Sample) -> str | None:
        problem = exit_ok(sample)
        if problem:
            return problem
        missing = [n for n in needles if n not in sample.stdout]
        return f"output lacks {missing}: {last_line(sample.stdout)}" if missing else None

    return check


@dataclass
class Case:
    """One row: commands run in sequence inside one fresh process tree per run."""

    key: str
    label: str
    steps: list[list[str]]
    cwd: Path
    needs: tuple[str, ...] = ()
    target: float | None = None  # seconds; the median must be at most this
    check: Check = exit_ok
    outputs: list[Path] = field(default_factory=list)  # removed before, required after
    fresh_dirs: list[Path] = field(default_factory=list)  # emptied before each run
    setup: Callable[[], str | None] | None = None  # once, untimed; returns a problem
    parse: Callable[[Sample], dict[str, float]] | None = None  # figures read from a run
    runs: int | None = None  # default: --runs
    warmup: bool = True
    timeout: float = RUN_TIMEOUT


@dataclass
class Row:
    key: str
    label: str
    command: str
    status: str  # "ok", "failed", "skipped"
    note: str = ""
    target: float | None = None
    times: list[float] = field(default_factory=list)
    warmup_seconds: float | None = None
    peak_rss_mib: float | None = None
    others_cpu: float | None = None  # share of the CPUs other processes used meanwhile
    load_average: float | None = None  # 1-minute load average as the row started
    figures: dict[str, float] = field(default_factory=dict)  # max over runs of parse()

    @property
    def median(self) -> float | None:
        return statistics.median(self.times) if self.times else None

    @property
    def met(self) -> bool | None:
        if self.target is None or self.median is None:
            return None
        return self.median <= self.target


def prepare_run(case: Case) -> None:
    for path in case.outputs:
        path.unlink(missing_ok=True)
    for folder in case.fresh_dirs:
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)


def run_once(case: Case) -> tuple[Sample, str | None]:
    prepare_run(case)
    sample = measure(case.steps, case.cwd, case.timeout)
    problem = case.check(sample)
    if problem is None:
        absent = [p.name for p in case.outputs if not p.is_file() or p.stat().st_size == 0]
        problem = f"no output file {absent}" if absent else None
    return sample, problem


def run_case(case: Case, runs: int, tools: dict[str, str | None]) -> Row:
    row = Row(case.key, case.label, show_command(case.steps), "ok", target=case.target)
    missing = [t for t in case.needs if not tools.get(t)]
    if missing:
        row.status, row.note = "skipped", f"needs {', '.join(missing)}"
        return row
    print(f"  {case.label} ...", file=sys.stderr, flush=True)
    row.load_average = load_average()
    problem = case.setup() if case.setup else None
    if problem is None and case.warmup:
        sample, problem = run_once(case)
        row.warmup_seconds = sample.seconds
    rss: list[int] = []
    meter = CpuMeter()
    for _ in range(case.runs or runs):
        if problem:
            break
        sample, problem = run_once(case)
        row.times.append(sample.seconds)
        rss.append(sample.maxrss_kib)
        for name, value in (case.parse(sample) if case.parse and not problem else {}).items():
            row.figures[name] = max(row.figures.get(name, value), value)
    if problem:
        row.status, row.note, row.times = "failed", problem, []
    elif rss:
        row.peak_rss_mib = max(rss) / 1024
        row.others_cpu = meter.foreign_share()
    return row


# ------------------------------------------------------------------------ tools


def find_tools() -> dict[str, str | None]:
    def venv_or_path(name: str) -> str | None:
        local = VENV_BIN / name
        return str(local) if local.is_file() else shutil.which(name)

    return {
        "reportgen": venv_or_path("reportgen"),
        "weasyprint": venv_or_path("weasyprint"),
        "pandoc": shutil.which("pandoc"),
        "soffice": shutil.which("soffice") or shutil.which("libreoffice"),
    }


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def output_of(argv: list[str], timeout: float = 60.0) -> str:
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=timeout,
                              stdin=subprocess.DEVNULL, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return (proc.stdout or proc.stderr).strip()


def proc_field(path: str, name: str) -> str:
    try:
        text = Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    match = re.search(rf"^{re.escape(name)}\s*:\s*(.+)$", text, re.MULTILINE)
    return match.group(1).strip() if match else ""


def python_versions() -> dict[str, str]:
    python = VENV_BIN / "python"
    code = ("import importlib.metadata as m, platform\n"
            "def v(n):\n"
            "    try:\n        return m.version(n)\n"
            "    except m.PackageNotFoundError:\n        return 'not installed'\n"
            "print(platform.python_version(), v('weasyprint'), v('python-docx'))")
    parts = output_of([str(python if python.is_file() else sys.executable), "-c", code])
    names = ("python", "weasyprint", "python-docx")
    values = parts.split(maxsplit=len(names) - 1) if parts else []
    values = values if len(values) == len(names) else ["?"] * len(names)
    return dict(zip(names, values, strict=True))


def machine_info(tools: dict[str, str | None]) -> dict[str, str]:
    mem_kib = proc_field("/proc/meminfo", "MemTotal").split()[0] or "0"
    info = {
        "nproc": str(cores()),
        "cpu": proc_field("/proc/cpuinfo", "model name") or platform.processor() or "?",
        "memory": f"{int(mem_kib) / 1024 / 1024:.1f} GiB",
        "os": f"{platform.system()} {platform.release()}",
        "harfbuzz_subset": "yes" if ctypes.util.find_library("harfbuzz-subset") else "no",
        **python_versions(),
    }
    if tools["reportgen"]:
        version = first_line(output_of([tools["reportgen"], "--version"]))
        version = version.removeprefix("reportgen ")
        commit = output_of(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"])
        info["reportgen"] = f"{version} (commit {commit})" if commit else version
    if tools["pandoc"]:
        info["pandoc"] = first_line(output_of([tools["pandoc"], "--version"]))
    if tools["soffice"]:
        info["soffice"] = first_line(output_of([tools["soffice"], "--version"], 120.0))
    return info


def load_average() -> float:
    return round(os.getloadavg()[0], 2)


def busy_warning(share: float | None, load_start: float) -> str | None:
    """A warning when other processes used a tenth or more of the CPUs meanwhile."""
    if share is None or share < 0.1:
        return None
    return (f"Warning: other processes used {share:.0%} of the CPUs during this run (1-minute "
            f"load average {load_start:g} at start, on {cores()} cores), so these times are "
            "pessimistic. Run again on a quiet machine.")


def machine_line(info: dict[str, str]) -> str:
    line = (f"{info['nproc']} cores ({info['cpu']}), {info['memory']} RAM, {info['os']}; "
            f"Python {info['python']}, WeasyPrint {info['weasyprint']}, "
            f"python-docx {info['python-docx']}, HarfBuzz subsetter {info['harfbuzz_subset']}")
    for key in ("reportgen", "pandoc", "soffice"):
        if key in info:
            line += f"; {key} {info[key]}" if key == "reportgen" else f"; {info[key]}"
    return line


# ------------------------------------------------------------------------ rows


def reportgen_cases(rg: str, work: Path) -> list[Case]:
    seed = str(SEED_REPORT)

    def build(fmt: str, out: Path) -> list[str]:
        return [rg, "build", seed, "--format", fmt, "--out", str(out), "--force"]

    noop_out = work / "rg-noop"
    noop = [rg, "build", seed, "--out", str(noop_out)]

    def prebuild() -> str | None:
        return stdout_has("built ")(measure([noop], ROOT))

    return [
        Case("help", "reportgen --help", [[rg, "--help"]], ROOT, ("reportgen",), 0.15,
             stdout_has("Usage")),
        Case("docx", "reportgen seed → DOCX", [build("docx", work / "rg-docx")], ROOT,
             ("reportgen",), DOCX_TARGET, stdout_has("built ", ".docx")),
        Case("pdf", "reportgen seed → PDF", [build("pdf", work / "rg-pdf")], ROOT,
             ("reportgen",), None, stdout_has("built ", ".pdf")),
        Case("all", "reportgen seed → DOCX+PDF", [build("all", work / "rg-all")], ROOT,
             ("reportgen",), None, stdout_has("built ", ".docx", ".pdf")),
        Case("noop", "reportgen incremental no-op", [noop], ROOT, ("reportgen",), 0.15,
             stdout_has("up to date"), setup=prebuild),
    ]


def soffice_pdf(soffice: str, profile: Path, outdir: Path, docx: list[Path]) -> list[str]:
    return [soffice, "--headless", f"-env:UserInstallation={profile.as_uri()}",
            "--convert-to", "pdf", "--outdir", str(outdir), *map(str, docx)]


def peer_cases(tools: dict[str, str | None], work: Path, profile: Path) -> list[Case]:
    pandoc = tools["pandoc"] or "pandoc"
    soffice = tools["soffice"] or "soffice"
    weasy = tools["weasyprint"] or "weasyprint"
    peers = work / "peers"
    for sub in ("docx", "lo", "lo-in", "pandoc-lo", "pandoc-wp"):
        (peers / sub).mkdir(parents=True, exist_ok=True)
    lo_in = peers / "lo-in" / "x.docx"

    def make_lo_input() -> str | None:
        return exit_ok(measure([[pandoc, str(SEED_MD), "-o", str(lo_in)]], peers))

    pl, pw = peers / "pandoc-lo", peers / "pandoc-wp"
    return [
        Case("pandoc_docx", "pandoc seed.md → DOCX",
             [[pandoc, str(SEED_MD), "-o", str(peers / "docx" / "x.docx")]], peers,
             ("pandoc",), outputs=[peers / "docx" / "x.docx"]),
        Case("lo_pdf", "LibreOffice DOCX → PDF (alone)",
             [soffice_pdf(soffice, profile, peers / "lo", [lo_in])], peers,
             ("pandoc", "soffice"), outputs=[peers / "lo" / "x.pdf"], setup=make_lo_input),
        Case("pandoc_lo", "pandoc + LibreOffice (DOCX+PDF)",
             [[pandoc, str(SEED_MD), "-o", str(pl / "x.docx")],
              soffice_pdf(soffice, profile, pl, [pl / "x.docx"])], peers,
             ("pandoc", "soffice"), outputs=[pl / "x.docx", pl / "x.pdf"]),
        Case("pandoc_wp", "pandoc → HTML + WeasyPrint → PDF",
             [[pandoc, str(SEED_MD), "-s", "-o", str(pw / "x.html")],
              [weasy, str(pw / "x.html"), str(pw / "x.pdf")]], peers,
             ("pandoc", "weasyprint"), outputs=[pw / "x.html", pw / "x.pdf"]),
    ]


# ------------------------------------------------------------------------ batch


def sub_once(pattern: str, replacement: str, text: str, where: str) -> str:
    new, count = re.subn(pattern, replacement, text, count=1, flags=re.MULTILINE)
    if count != 1:
        raise SystemExit(f"bench: cannot vary {where}: no line matches {pattern!r}")
    return new


def make_batch(work: Path, n: int) -> tuple[Path, Path]:
    """N copies of the seed report folder and of seed.md, each with its own number/title."""
    content, markdown = work / "batch-content", work / "batch-md"
    markdown.mkdir(parents=True)
    seed_md = SEED_MD.read_text(encoding="utf-8")
    for i in range(1, n + 1):
        folder = content / f"{SEED_REPORT.name}-{i:04d}"
        shutil.copytree(SEED_REPORT, folder)
        yaml = folder / "report.yaml"
        text = yaml.read_text(encoding="utf-8")
        text = sub_once(r"^(  number: )\d+", rf"\g<1>{1000 + i}", text, str(yaml))
        text = sub_once(r"^(  title: .*\S)\s*$", rf"\1 (copy {i})", text, str(yaml))
        yaml.write_text(text, encoding="utf-8")
        md = sub_once(r'^title: "(.*)"$', rf'title: "\1 (copy {i})"', seed_md, "seed.md")
        (markdown / f"seed-{i:04d}.md").write_text(md, encoding="utf-8")
    return content, markdown


def batch_cases(tools: dict[str, str | None], work: Path, profile: Path, n: int,
                runs: int) -> list[Case]:
    content, markdown = make_batch(work, n)
    jobs = cores()
    timeout = max(600.0, 30.0 * n)
    rg = tools["reportgen"] or "reportgen"
    rg_out = work / "batch-rg-out"
    peer_out = work / "batch-peers-out"
    stems = sorted(p.stem for p in markdown.glob("*.md"))
    pandoc_all = (f"printf '%s\\n' {' '.join(stems)} | xargs -P {jobs} -I{{}} "
                  f"{shlex.quote(tools['pandoc'] or 'pandoc')} {{}}.md "
                  f"-o {shlex.quote(str(peer_out))}/{{}}.docx")
    docx = [peer_out / f"{s}.docx" for s in stems]
    soffice = soffice_pdf(tools["soffice"] or "soffice", profile, peer_out / "pdf", docx)
    return [
        Case("batch_rg", f"reportgen batch of {n} (DOCX+PDF, --jobs {jobs})",
             [[rg, "build", str(content), "--out", str(rg_out), "--jobs", str(jobs),
               "--timings"]], ROOT,
             ("reportgen",), check=stdout_has(f"{n} built, 0 up to date, 0 failed"),
             fresh_dirs=[rg_out], runs=runs, warmup=False, timeout=timeout,
             parse=worker_memory),
        Case("batch_peers", f"pandoc (xargs -P {jobs}) + one LibreOffice call, batch of {n}",
             [["sh", "-c", pandoc_all], soffice], markdown, ("pandoc", "soffice"),
             outputs=[peer_out / "pdf" / f"{s}.pdf" for s in stems],
             fresh_dirs=[peer_out], runs=runs, warmup=False, timeout=timeout),
    ]


# ------------------------------------------------------------------------ ratios


@dataclass
class Ratio:
    label: str
    value: float | None
    target: float | None = None

    @property
    def met(self) -> bool | None:
        if self.target is None or self.value is None:
            return None
        return self.value >= self.target


def ratio(rows: dict[str, Row], ours: str, peer: str, label: str,
          target: float | None = None) -> Ratio:
    a, b = rows.get(ours), rows.get(peer)
    value = b.median / a.median if a and b and a.median and b.median else None
    return Ratio(label, value, target)


def ratios(rows: dict[str, Row]) -> list[Ratio]:
    return [
        ratio(rows, "all", "pandoc_lo", "reportgen DOCX+PDF vs pandoc + LibreOffice",
              ALL_RATIO_TARGET),
        ratio(rows, "all", "pandoc_wp", "reportgen DOCX+PDF vs pandoc + WeasyPrint (PDF only)"),
        ratio(rows, "docx", "pandoc_docx", "reportgen DOCX vs pandoc DOCX"),
        ratio(rows, "batch_rg", "batch_peers", "batch: reportgen vs pandoc + LibreOffice",
              BATCH_RATIO_TARGET),
    ]


def worker_memory(sample: Sample) -> dict[str, float]:
    """The largest peak memory of a batch worker, as ``--timings`` prints it per report
    (each worker measures its own ``ru_maxrss``)."""
    found = [float(m) for m in re.findall(r"peak memory of .*: (\d+(?:\.\d+)?) MiB",
                                           sample.stdout)]
    return {"worker_peak_mib": max(found)} if found else {}


# ------------------------------------------------------------------------ targets


@dataclass
class Target:
    """One line of the targets table: reportgen beside its peer, and the verdict."""

    build: str
    ours: str
    peer: str
    ratio: float | None
    target: str
    met: bool | None


def median_of(rows: dict[str, Row], key: str) -> float | None:
    row = rows.get(key)
    return row.median if row else None


def secs(value: float | None) -> str:
    return f"{value:.3f} s" if value is not None else "–"


def targets(rows: dict[str, Row], rats: list[Ratio],
            watch: dict[str, object] | None, batch: int) -> list[Target]:
    by_label = {r.label: r for r in rats}
    all_ratio = by_label["reportgen DOCX+PDF vs pandoc + LibreOffice"]
    batch_ratio = by_label["batch: reportgen vs pandoc + LibreOffice"]
    docx = median_of(rows, "docx")
    docx_ratio = by_label["reportgen DOCX vs pandoc DOCX"].value
    batch_row = rows.get("batch_rg")
    memory = batch_row.figures.get("worker_peak_mib") if batch_row else None
    lines = [
        Target("seed DOCX+PDF, fresh process", secs(median_of(rows, "all")),
               f"{secs(median_of(rows, 'pandoc_lo'))} (pandoc + LibreOffice)",
               all_ratio.value, f"≥ {ALL_RATIO_TARGET:g}×", all_ratio.met),
        Target("seed DOCX only, fresh process", secs(docx),
               f"{secs(median_of(rows, 'pandoc_docx'))} (pandoc)", docx_ratio,
               f"≤ {DOCX_TARGET:g} s", None if docx is None else docx <= DOCX_TARGET),
        Target(f"batch of {batch} reports on {cores()} cores, DOCX+PDF",
               secs(median_of(rows, "batch_rg")),
               f"{secs(median_of(rows, 'batch_peers'))} (pandoc ×{batch}, one LibreOffice)",
               batch_ratio.value, f"≥ {BATCH_RATIO_TARGET:g}×", batch_ratio.met),
    ]
    for key, label, goal in (("docx", "watch: save → DOCX", WATCH_DOCX_TARGET),
                             ("pdf", "watch: save → PDF", WATCH_PDF_TARGET)):
        value = watch.get(f"save_to_{key}_median") if watch else None
        assert value is None or isinstance(value, float)
        lines.append(Target(label, secs(value), "", None, f"≤ {goal:g} s",
                            None if value is None else value <= goal))
    lines.append(Target(
        "memory per batch worker (peak RSS)", f"{memory:.0f} MiB" if memory else "–", "",
        None, f"≤ {WORKER_MEMORY_TARGET:g} MiB",
        None if memory is None else memory <= WORKER_MEMORY_TARGET))
    return lines


def target_line(t: Target) -> str:
    ratio = f"{t.ratio:.2f}×" if t.ratio is not None else ""
    met = {True: "met", False: "**not met**", None: "not measured"}[t.met]
    return f"| {t.build} | {t.ours} | {t.peer} | {ratio} | {t.target} | {met} |"


# ------------------------------------------------------------------------ stages


def stage_times(rg: str, work: Path) -> dict[str, float]:
    """Per-stage times (ms) of one ``--timings`` DOCX+PDF build of the seed."""
    out = work / "rg-timings"
    sample = measure([[rg, "build", str(SEED_REPORT), "--out", str(out), "--force",
                       "--timings"]], ROOT)
    match = re.search(r"timings:(.*)$", sample.stdout, re.MULTILINE)
    if sample.rc != 0 or not match:
        return {}
    stages = re.findall(r"(\w+) (\d+(?:\.\d+)?) ms", match.group(1).split("(total")[0])
    result = {name: float(ms) for name, ms in stages}
    result["total wall"] = round(sample.seconds * 1000)
    return result


# ------------------------------------------------------------------------ report


def fmt_s(value: float | None) -> str:
    return f"{value:.3f}" if value is not None else "–"


def verdict(met: bool | None) -> str:
    return {True: "yes", False: "**no**", None: ""}[met]


def row_line(row: Row) -> str:
    if row.status != "ok":
        return f"| {row.label} | {row.status}: {row.note} | | | | | | | |"
    target = f"≤ {row.target:g} s" if row.target is not None else ""
    rss = f"{row.peak_rss_mib:.0f}" if row.peak_rss_mib is not None else "–"
    others = f"{row.others_cpu:.0%}" if row.others_cpu is not None else "–"
    load = f"{row.load_average:g}" if row.load_average is not None else "–"
    return (f"| {row.label} | {fmt_s(row.median)} | {fmt_s(min(row.times))} | "
            f"{fmt_s(max(row.times))} | {rss} | {others} | {load} | {target} | "
            f"{verdict(row.met)} |")


def ratio_line(r: Ratio) -> str:
    if r.value is None:
        return f"| {r.label} | n/a | {ratio_target(r)} | |"
    side = "reportgen faster" if r.value >= 1 else "reportgen slower"
    return f"| {r.label} | {r.value:.2f}× ({side}) | {ratio_target(r)} | {verdict(r.met)} |"


def ratio_target(r: Ratio) -> str:
    return f"≥ {r.target:g}× faster" if r.target is not None else ""


def render_markdown(report: dict[str, object], rows: list[Row], rats: list[Ratio],
                    stages: dict[str, float], missing: list[str],
                    goals: list[Target]) -> str:
    settings = report["settings"]
    assert isinstance(settings, dict)
    loads = report["load_average"]
    assert isinstance(loads, dict)
    lines = [
        f"# reportgen benchmark, {report['generated']}",
        "",
        f"Machine: {report['machine_line']}",
        "",
        f"Load average (1 min, `uptime`): {loads['start']:g} at the start, "
        f"{loads['end']:g} at the end, on {cores()} cores.",
        "",
        *([str(report["warning"]), ""] if report["warning"] else []),
        f"| Build | reportgen (median) | Peer (median) | Ratio ({RATIO_SHORT}) | Target | "
        "Met |",
        "|---|---:|---:|---:|---|---|",
        *map(target_line, goals),
        "",
        f"Runs: median of {settings['runs']} fresh-process runs a row (after one warm-up); "
        f"batch of {settings['batch']} reports, median of {settings['batch_runs']} runs. "
        "Peak RSS: the largest single process of a run, max over runs. Others' CPU: the "
        "share of the CPUs that other processes used during the row's timed runs.",
        "",
        "| Row | Median s | Min s | Max s | Peak RSS MiB | Others' CPU | Load | Target | Met |",
        "|---|---:|---:|---:|---:|---:|---:|---|---|",
        *map(row_line, rows),
        "",
        f"| Comparison ({RATIO_HELP}) | Ratio | Target | Met |",
        "|---|---|---|---|",
        *map(ratio_line, rats),
    ]
    if stages:
        parts = ", ".join(f"{k} {v:.0f} ms" for k, v in stages.items())
        lines += ["", f"reportgen stages (one `--timings` DOCX+PDF build of the seed): {parts}"]
    skipped = [f"{r.label} ({r.note})" for r in rows if r.status == "skipped"]
    failed = [f"{r.label} ({r.note})" for r in rows if r.status == "failed"]
    lines += ["",
              f"Missing tools: {', '.join(missing) if missing else 'none'}.",
              f"Skipped rows: {'; '.join(skipped) if skipped else 'none'}.",
              f"Failed rows: {'; '.join(failed) if failed else 'none'}."]
    return "\n".join(lines) + "\n"


def show_command(steps: list[list[str]]) -> str:
    text = " && ".join(shlex.join(step) for step in steps)
    return text.replace(str(ROOT) + "/", "")


def write_results(markdown: str, report: dict[str, object]) -> None:
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.md").write_text(markdown, encoding="utf-8")
    (RESULTS / "latest.json").write_text(json.dumps(report, indent=2, ensure_ascii=False)
                                         + "\n", encoding="utf-8")


# ------------------------------------------------------------------------ main


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=None,
                        help="timed runs per row, median reported (default 7)")
    parser.add_argument("--batch", type=int, default=None,
                        help="reports in the batch rows; 0 skips them (default 100)")
    parser.add_argument("--batch-runs", type=int, default=3,
                        help="timed runs of each batch row, median reported (default 3)")
    parser.add_argument("--quick", action="store_true",
                        help="a quick look: --runs 3 --batch 10 unless given")
    parser.add_argument("--all", action="store_true",
                        help="every figure of the targets table in one run: the rows, the "
                             "batch and the watch latency (bench/watch_latency.py)")
    parser.add_argument("--watch-runs", type=int, default=9,
                        help="with --all: saves timed by the watch latency (default 9)")
    args = parser.parse_args(argv)
    args.runs = args.runs if args.runs is not None else (3 if args.quick else 7)
    args.batch = args.batch if args.batch is not None else (10 if args.quick else 100)
    if args.runs < 1 or args.batch < 0 or args.batch_runs < 1:
        parser.error("--runs and --batch-runs must be at least 1, --batch at least 0")
    return args


def all_cases(args: argparse.Namespace, tools: dict[str, str | None],
              work: Path) -> list[Case]:
    profile = work / "lo-profile"  # a fresh LibreOffice profile, warmed by the first run
    cases = reportgen_cases(tools["reportgen"] or "reportgen", work)
    cases += peer_cases(tools, work, profile)
    if args.batch:
        cases += batch_cases(tools, work, profile, args.batch, args.batch_runs)
    return cases


def use_bytecode_cache(work: Path) -> str:
    """Let the measured Python processes (reportgen, the WeasyPrint CLI) cache bytecode,
    as an installed tool does, in a folder of the temporary tree instead of the source
    tree. Returns how the environment was set beforehand, for the record."""
    before = "off" if os.environ.pop("PYTHONDONTWRITEBYTECODE", "") else "on"
    os.environ["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
    return before


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    tools = find_tools()
    missing = [name for name, path in tools.items() if not path]
    for name in missing:
        print(f"bench: {name} not found; its rows are skipped (nothing is installed)",
              file=sys.stderr)
    info = machine_info(tools)
    load_start, meter = load_average(), CpuMeter()
    with tempfile.TemporaryDirectory(prefix="reportgen-bench-") as tmp:
        work = Path(tmp)
        bytecode_before = use_bytecode_cache(work)
        print("bench: running (each row: 1 warm-up + timed runs)", file=sys.stderr)
        rows = [run_case(case, args.runs, tools) for case in all_cases(args, tools, work)]
        stages = stage_times(tools["reportgen"], work) if tools["reportgen"] else {}
    watch = None
    if args.all and tools["reportgen"]:
        print("  reportgen watch: save → DOCX and → PDF ...", file=sys.stderr, flush=True)
        sys.path.insert(0, str(BENCH))
        from watch_latency import measure_watch

        watch = measure_watch(args.watch_runs)
    load_end = load_average()
    foreign = meter.foreign_share()
    by_key = {row.key: row for row in rows if row.status == "ok"}
    rats = ratios(by_key)
    goals = targets(by_key, rats, watch, args.batch)
    report: dict[str, object] = {
        "generated": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": info,
        "machine_line": machine_line(info),
        "settings": {"runs": args.runs, "batch": args.batch, "batch_runs": args.batch_runs,
                     "jobs": cores()},
        "tools": tools,
        "bytecode_cache_in_environment": bytecode_before,
        "missing_tools": missing,
        "rows": [asdict(row) | {"median": row.median, "met": row.met} for row in rows],
        "ratios": [asdict(r) | {"met": r.met} for r in rats],
        "stages": stages,
        "load_average": {"start": load_start, "end": load_end},
        "targets": [asdict(t) for t in goals],
        "watch": watch,
        "foreign_cpu_share": foreign,
        "warning": busy_warning(foreign, load_start),
    }
    markdown = render_markdown(report, rows, rats, stages, missing, goals)
    print(markdown)
    write_results(markdown, report)
    print(f"bench: wrote {RESULTS / 'latest.md'} and latest.json", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
