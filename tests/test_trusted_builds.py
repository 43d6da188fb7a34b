"""Builds that can be trusted: any spelling of a report's path, a manifest that knows the
tool, all-or-nothing writes under SIGKILL, Ctrl-C on a batch and one build per folder."""

from __future__ import annotations

import contextlib
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from reportgen import __version__
from reportgen.build import fingerprint as build
from reportgen.build import outputs

from .conftest import ROOT, SEED, as_at_a_terminal, run_cli

NAME = SEED.name


@pytest.fixture
def report(tmp_path: Path) -> Path:
    """A private copy of the worked example, under its own name."""
    copy = tmp_path / "content" / NAME
    shutil.copytree(SEED, copy)
    return copy


def output_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


@pytest.mark.parametrize(("where", "arg"), [
    (".", "."),
    ("figures", ".."),
    ("..", f"./{NAME}/"),
    ("..", f"{NAME}/report.yaml"),
    ("..", f"{NAME}/../{NAME}"),
])
def test_relative_paths_build_into_the_folders_real_name(report: Path, tmp_path: Path,
                                                         where: str, arg: str) -> None:
    (report / "figures").mkdir()
    out = tmp_path / "out"
    cwd = (report / where).resolve()
    result = run_cli("build", arg, "--out", str(out), "--format", "docx", cwd=cwd)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"built {NAME}: "), result.stdout
    assert output_files(out) == [NAME]
    assert output_files(out / NAME) == ["T17-TSAG-181210-TD-GEN-0446!!MSW-E.docx",
                                        "manifest.json"]
    again = run_cli("build", arg, "--out", str(out), "--format", "docx", cwd=cwd)
    assert again.stdout.startswith(f"up to date {NAME} "), again.stdout


def test_build_dot_with_the_default_output_folder(report: Path) -> None:
    """``./output/<report>/`` inside the report's folder is not one of its inputs."""
    first = run_cli("build", ".", "--format", "docx", cwd=report)
    assert first.returncode == 0, first.stderr
    assert output_files(report / "output") == [NAME]
    assert "output/" not in "".join(read_manifest(report / "output" / NAME)["inputs"])
    again = run_cli("build", ".", "--format", "docx", cwd=report)
    assert again.stdout.startswith(f"up to date {NAME} "), again.stdout
    (report / "method.md").write_text("Changed.\n", "utf-8")
    assert run_cli("build", ".", "--format", "docx", cwd=report).stdout.startswith(
        f"built {NAME}: ")


# ---------------------------------------------------------------- the tool in the manifest


def read_manifest(folder: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((folder / "manifest.json").read_text("utf-8"))
    return data


def write_manifest(folder: Path, data: dict[str, Any]) -> None:
    (folder / "manifest.json").write_text(json.dumps(data, indent=2), "utf-8")


def test_manifest_names_the_tool(report: Path, tmp_path: Path) -> None:
    assert run_cli("build", str(report), "--out", str(tmp_path / "out")).returncode == 0
    manifest = read_manifest(tmp_path / "out" / NAME)
    assert manifest["manifest_version"] == outputs.MANIFEST_VERSION == 2
    assert manifest["reportgen"] == __version__
    assert manifest["tool_digest"] == build.tool_digest()


@pytest.mark.parametrize(("field", "other"), [("reportgen", "0.0.9"),
                                              ("tool_digest", "0" * 64)])
def test_outputs_of_another_tool_are_rebuilt(report: Path, tmp_path: Path, field: str,
                                             other: str) -> None:
    out = tmp_path / "out"
    assert run_cli("build", str(report), "--out", str(out)).returncode == 0
    folder = out / NAME
    manifest = read_manifest(folder)
    current = manifest[field]
    write_manifest(folder, {**manifest, field: other})  # as another version left it

    again = run_cli("build", str(report), "--out", str(out))
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith(f"built {NAME}: "), again.stdout
    assert read_manifest(folder)[field] == current
    assert run_cli("build", str(report), "--out", str(out)).stdout.startswith("up to date")


def as_version_1(folder: Path) -> None:
    """Rewrite the manifest as reportgen wrote it before it recorded the tool."""
    manifest = read_manifest(folder)
    write_manifest(folder, {"manifest_version": 1, "inputs_digest": manifest["inputs_digest"],
                            "inputs": manifest["inputs"], "outputs": manifest["outputs"]})


def test_an_older_manifest_causes_a_rebuild_and_still_protects_edits(
        report: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run_cli("build", str(report), "--out", str(out)).returncode == 0
    folder = out / NAME
    as_version_1(folder)
    rebuilt = run_cli("build", str(report), "--out", str(out))
    assert rebuilt.returncode == 0 and rebuilt.stdout.startswith(f"built {NAME}: ")
    assert read_manifest(folder)["manifest_version"] == 2

    as_version_1(folder)
    docx = next(folder.glob("*.docx"))
    docx.write_bytes(docx.read_bytes() + b"chair's edit")
    refused = run_cli("build", str(report), "--out", str(out))
    assert refused.returncode == 1 and "changed since it was generated" in refused.stderr
    assert docx.read_bytes().endswith(b"chair's edit")
    assert read_manifest(folder)["manifest_version"] == 1


def tool_copy(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A copy of reportgen's package, templates and fonts, laid out as in the repository."""
    pkg = tmp_path / "tool"
    shutil.copytree(ROOT / "reportgen", pkg / "reportgen",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "templates", pkg / "templates",
                    ignore=shutil.ignore_patterns("__pycache__"))
    return pkg, pkg / "templates", pkg / "reportgen" / "assets" / "fonts"


def test_code_digest_covers_code_templates_and_fonts(tmp_path: Path) -> None:
    pkg, templates, fonts = tool_copy(tmp_path)
    code = pkg / "reportgen"

    def digest() -> str:
        return build.code_digest(code, templates, fonts)

    first = digest()
    assert first == build.code_digest(ROOT / "reportgen", ROOT / "templates",
                                      ROOT / "reportgen" / "assets" / "fonts")
    writer = code / "writers" / "docx" / "writer.py"
    original = writer.read_bytes()
    for change in (lambda: writer.write_bytes(original + b"# changed\n"),
                   lambda: (templates / "report.css").write_text("p { color: red }"),
                   lambda: (fonts / "LiberationSerif-Bold.ttf").write_bytes(b"not a font"),
                   lambda: (code / "writers" / "odt.py").write_text("X = 1\n"),
                   lambda: (code / "errors.py").rename(code / "errors2.py")):
        before = digest()
        change()
        assert digest() != before
    cache = code / "writers" / "__pycache__"
    cache.mkdir(exist_ok=True)
    before = digest()
    (cache / "docx.cpython-311.pyc").write_bytes(b"bytecode")
    (code / "notes.txt").write_text("not code")
    assert digest() == before


def test_a_changed_writer_rebuilds(report: Path, tmp_path: Path) -> None:
    """The reportgen that runs decides: a copy whose DOCX writer differs rebuilds."""
    out = tmp_path / "out"
    args = ("build", str(report), "--out", str(out), "--format", "docx")
    assert run_cli(*args).returncode == 0
    pkg, _, _ = tool_copy(tmp_path)
    writer = pkg / "reportgen" / "writers" / "docx" / "writer.py"
    writer.write_text(writer.read_text("utf-8") + "\n# a newer writer\n", "utf-8")

    newer = run_cli(*args, cwd=pkg)  # ``python -m reportgen`` imports the copy
    assert newer.returncode == 0, newer.stderr
    assert newer.stdout.startswith(f"built {NAME}: "), newer.stdout
    assert run_cli(*args, cwd=pkg).stdout.startswith("up to date")
    assert run_cli(*args).stdout.startswith(f"built {NAME}: ")


# ---------------------------------------------------------------- all-or-nothing commits


DOCX = "T17-TSAG-181210-TD-GEN-0446!!MSW-E.docx"
PDF = "T17-TSAG-181210-TD-GEN-0446!!PDF-E.pdf"
CLEAN = [DOCX, PDF, "manifest.json"]  # no temporary, journal or lock left
STEPS = ["staged", "journaled", "renamed-1", "renamed-2", "manifest", "committed"]
DECIDED = STEPS[1:]  # from the journal on, a killed commit is finished, not undone


@dataclass(frozen=True)
class Versions:
    """Two states of one report (the second with another title) and a build of the first."""

    a: Path
    b: Path
    built_a: Path  # an output root holding a's outputs and manifest


@pytest.fixture(scope="module")
def versions(tmp_path_factory: pytest.TempPathFactory) -> Versions:
    base = tmp_path_factory.mktemp("versions")
    a, b = base / "a" / NAME, base / "b" / NAME
    shutil.copytree(SEED, a)
    shutil.copytree(SEED, b)
    yaml = b / "report.yaml"
    yaml.write_text(yaml.read_text("utf-8").replace(
        "title: Report of the TSAG ad hoc group on Quantum",
        "title: Revised report of the TSAG ad hoc group on Quantum"), "utf-8")
    assert yaml.read_bytes() != (a / "report.yaml").read_bytes()
    result = run_cli("build", str(a), "--out", str(base / "built-a"))
    assert result.returncode == 0, result.stderr
    return Versions(a, b, base / "built-a")


def made_from(folder: Path, versions: Versions) -> str:
    """Which version the manifest says the outputs were built from."""
    recorded = read_manifest(folder)["inputs"]["report.yaml"]
    by_hash = {outputs.file_sha256(v / "report.yaml"): name
               for name, v in (("a", versions.a), ("b", versions.b))}
    return by_hash[recorded]


class Running:
    """``python -m reportgen`` in its own process group, its output read as it comes."""

    def __init__(self, *args: str, env: dict[str, str] | None = None) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "reportgen", *args], cwd=ROOT, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, env={**os.environ, **(env or {})},
            start_new_session=True, preexec_fn=as_at_a_terminal)
        self.seen = {"stdout": b"", "stderr": b""}

    def wait_for(self, text: str, stream: str = "stderr", timeout: float = 180) -> None:
        """Read until ``text`` shows on ``stream``; fail if the process ends first."""
        pipes = {"stdout": self.proc.stdout, "stderr": self.proc.stderr}
        deadline = time.monotonic() + timeout
        open_pipes = {name: pipe for name, pipe in pipes.items() if pipe is not None}
        while text.encode() not in self.seen[stream]:
            left = deadline - time.monotonic()
            if left <= 0 or not open_pipes:
                self.proc.kill()
                pytest.fail(f"never saw {text!r}; stdout: {self.seen['stdout']!r}, "
                            f"stderr: {self.seen['stderr']!r}")
            ready, _, _ = select.select(list(open_pipes.values()), [], [], left)
            for name, pipe in list(open_pipes.items()):
                if pipe in ready:
                    chunk = os.read(pipe.fileno(), 65536)
                    if chunk:
                        self.seen[name] += chunk
                    else:
                        del open_pipes[name]

    def finish(self, timeout: float = 180) -> tuple[int, str, str]:
        out, err = self.proc.communicate(timeout=timeout)
        return (self.proc.returncode, (self.seen["stdout"] + out).decode(),
                (self.seen["stderr"] + err).decode())


def killed_at(step: str, versions: Versions, out: Path) -> None:
    """Start building version b over a's outputs, SIGKILL it at ``step`` of its commit."""
    shutil.copytree(versions.built_a / NAME, out / NAME)
    running = Running("build", str(versions.b), "--out", str(out),
                      env={"REPORTGEN_TEST_PAUSE_AT": step})
    running.wait_for(f"test pause at {step}")
    running.proc.kill()
    running.finish()


@pytest.mark.parametrize("step", STEPS)
def test_the_next_build_after_a_kill_at_any_step(versions: Versions, tmp_path: Path,
                                                 step: str) -> None:
    out = tmp_path / "out"
    killed_at(step, versions, out)
    again = run_cli("build", str(versions.b), "--out", str(out))  # no --force
    assert again.returncode == 0, again.stderr
    expected = "up to date" if step in DECIDED else f"built {NAME}:"
    assert again.stdout.startswith(expected), again.stdout
    verified = run_cli("verify", str(out))
    assert verified.returncode == 0, verified.stderr
    assert output_files(out / NAME) == CLEAN
    assert made_from(out / NAME, versions) == "b"


@pytest.mark.parametrize("step", STEPS)
def test_verify_after_a_kill_at_any_step(versions: Versions, tmp_path: Path,
                                         step: str) -> None:
    """What reportgen shows is the old outputs with their manifest, or the new with theirs."""
    out = tmp_path / "out"
    killed_at(step, versions, out)
    verified = run_cli("verify", str(out))
    assert verified.returncode == 0, verified.stderr
    assert made_from(out / NAME, versions) == ("b" if step in DECIDED else "a")
    if step in DECIDED[:-1]:
        assert "finished the interrupted build" in verified.stdout
    again = run_cli("build", str(versions.b), "--out", str(out))
    assert again.returncode == 0, again.stderr
    assert run_cli("verify", str(out)).returncode == 0
    assert output_files(out / NAME) == CLEAN


def test_temporaries_of_a_killed_rebuild_go_even_when_up_to_date(versions: Versions,
                                                                  tmp_path: Path) -> None:
    """A forced rebuild of the same content killed before its journal: nothing to build."""
    out = tmp_path / "out"
    shutil.copytree(versions.built_a / NAME, out / NAME)
    running = Running("build", str(versions.a), "--out", str(out), "--force",
                      env={"REPORTGEN_TEST_PAUSE_AT": "staged"})
    running.wait_for("test pause at staged")
    running.proc.kill()
    running.finish()
    assert len(output_files(out / NAME)) > len(CLEAN)  # its temporaries and its lock
    again = run_cli("build", str(versions.a), "--out", str(out))
    assert again.returncode == 0 and again.stdout.startswith("up to date"), again.stdout
    assert output_files(out / NAME) == CLEAN
    assert run_cli("verify", str(out)).returncode == 0


# ---------------------------------------------------------------- one build per folder


def test_two_builds_into_one_folder_take_turns(versions: Versions, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = Running("build", str(versions.a), "--out", str(out),
                    env={"REPORTGEN_TEST_PAUSE_AT": "renamed-1:6"})
    first.wait_for("test pause at renamed-1")  # half-way through its renames
    second = Running("build", str(versions.b), "--out", str(out))
    second.wait_for(f"waiting for another build of {NAME}")
    code, _, err = first.finish()
    assert code == 0, err
    code, stdout, err = second.finish()
    assert code == 0, err
    assert stdout.startswith(f"built {NAME}:"), stdout
    assert run_cli("verify", str(out)).returncode == 0
    assert made_from(out / NAME, versions) == "b"
    assert output_files(out / NAME) == CLEAN


def test_a_build_gives_up_waiting_with_a_clear_error(versions: Versions,
                                                     tmp_path: Path) -> None:
    out = tmp_path / "out"
    holder = Running("build", str(versions.a), "--out", str(out),
                     env={"REPORTGEN_TEST_PAUSE_AT": "staged"})
    holder.wait_for("test pause at staged")
    impatient = run_cli("build", str(versions.b), "--out", str(out), "--lock-timeout", "1")
    holder.proc.kill()
    holder.finish()
    assert impatient.returncode == 1
    assert f"waiting for another build of {NAME}" in impatient.stderr
    assert "gave up" in impatient.stderr and "Traceback" not in impatient.stderr
    assert "FAILED" in impatient.stdout
    after = run_cli("build", str(versions.b), "--out", str(out))
    assert after.returncode == 0, after.stderr
    assert run_cli("verify", str(out)).returncode == 0
    assert output_files(out / NAME) == CLEAN


# ---------------------------------------------------------------- Ctrl-C on a batch


@pytest.mark.parametrize("whom", ["process group", "main process"])
def test_ctrl_c_cancels_a_batch_and_leaves_no_half_output(tmp_path: Path, whom: str) -> None:
    """SIGINT to the process group is Ctrl-C at a terminal; to the main process, ``kill``."""
    content = tmp_path / "content"
    copies = [f"report-{n}" for n in range(1, 9)]
    for name in copies:
        shutil.copytree(SEED, content / name)
    out = tmp_path / "out"
    batch = Running("build", str(content), "--out", str(out), "--jobs", "2")
    batch.wait_for("built report-", stream="stdout")
    if whom == "process group":
        os.killpg(batch.proc.pid, signal.SIGINT)
    else:
        batch.proc.send_signal(signal.SIGINT)
    code, stdout, stderr = batch.finish(timeout=60)

    assert code == 130, (stdout, stderr)
    assert "reportgen: interrupted" in stderr and "Traceback" not in stderr
    with pytest.raises(ProcessLookupError):  # no worker outlives the command
        os.killpg(batch.proc.pid, 0)
    built = [name for name in copies if (out / name).exists()]
    assert 1 <= len(built) <= 3, built  # the queued reports were cancelled
    assert sorted(p.name for p in out.iterdir()) == built
    for name in built:  # every folder is a finished build: nothing half written
        assert output_files(out / name) == CLEAN
    assert run_cli("verify", str(out)).returncode == 0


# ---------------------------------------------------------------- processes end with the build


HANG_GUARD = 60.0  # seconds: a bound against hanging, not a measure of speed


def group_members(pgid: int) -> list[int]:
    """The live processes of a process group (a zombie has ended)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            found.append(int(entry.name))
    return found


@pytest.mark.parametrize("reports", [1, 2], ids=["side process", "batch workers"])
def test_no_process_outlives_a_killed_build(tmp_path: Path, reports: int) -> None:
    """SIGKILL to the build while its PDF is being rendered in another process: that
    process dies too, and the next build neither waits for a lock nor finds one left."""
    paths = []
    for n in range(reports):
        shutil.copytree(SEED, tmp_path / "content" / f"r{n}")
        paths.append(str(tmp_path / "content" / f"r{n}"))
    out = tmp_path / "out"
    running = Running("build", *paths, "--out", str(out), "--jobs", "2",
                      env={"REPORTGEN_TEST_PAUSE_AT": "rendering-pdf"})
    pgid = running.proc.pid
    try:
        running.wait_for("test pause at rendering-pdf")
        helpers = [pid for pid in group_members(pgid) if pid != pgid]
        assert helpers, "the PDF should be rendered in another process"
        running.proc.kill()
        running.proc.wait()
        deadline = time.monotonic() + HANG_GUARD
        while group_members(pgid) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert group_members(pgid) == []
        running.finish()
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pgid, signal.SIGKILL)
    again = run_cli("build", *paths, "--out", str(out))
    assert again.returncode == 0, again.stderr
    assert "waiting for another build" not in again.stderr
    for n in range(reports):
        assert output_files(out / f"r{n}") == CLEAN


def test_a_process_forked_under_a_lock_does_not_hold_it(tmp_path: Path) -> None:
    """The build dies (no unlock, no clean-up) while a process it forked lives on: the
    lock file is left, and the next build takes it over at once."""
    from reportgen.build.lock import LOCK, folder_lock

    folder = tmp_path / "out"
    script = f"""
import os, time
from pathlib import Path
from reportgen.build.lock import folder_lock
with folder_lock(Path({str(folder)!r}), 0):
    child = os.fork()
    if child == 0:
        null = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(null, fd)  # the test reads the build's output to its end
        time.sleep({HANG_GUARD})
        os._exit(0)
    print(child, flush=True)
    os._exit(0)
"""
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                            text=True, timeout=HANG_GUARD)
    child = int(result.stdout)
    try:
        assert (folder / LOCK).exists()
        with folder_lock(folder, 0):  # FolderBusy if the child held it
            pass
        assert not (folder / LOCK).exists()
    finally:
        os.kill(child, signal.SIGKILL)


@pytest.mark.parametrize(("step", "sig"), [("summary", signal.SIGTERM),
                                           ("summary", signal.SIGINT),
                                           ("exit:1", signal.SIGTERM)])
def test_a_signal_after_the_summary_exits_130(versions: Versions, tmp_path: Path, step: str,
                                              sig: signal.Signals) -> None:
    """Interrupted is 130, whenever the signal lands: here once everything is done, the
    summary printed (at ``exit``, as the process is about to end)."""
    out = tmp_path / "out"
    shutil.copytree(versions.built_a / NAME, out / NAME)
    running = Running("build", str(versions.a), "--out", str(out),
                      env={"REPORTGEN_TEST_PAUSE_AT": step})
    running.wait_for(f"test pause at {step.split(':')[0]}")
    running.proc.send_signal(sig)
    code, stdout, stderr = running.finish(timeout=HANG_GUARD)
    assert code == 130, (stdout, stderr)
    assert stdout.startswith("up to date"), stdout
    assert "Traceback" not in stderr and "Aborted" not in stderr, stderr


def test_scratch_folders_of_a_killed_command_are_removed_by_the_next(tmp_path: Path) -> None:
    """A command killed while it holds a scratch folder leaves it; the next one removes
    it, and no other: not a running command's, not a folder of another name."""
    from reportgen.files import remove_abandoned

    script = f"""
import time
from reportgen.files import scratch_folder
with scratch_folder("previous") as tmp:
    print(tmp, flush=True)
    time.sleep({HANG_GUARD})
"""
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    killed, running = (subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, env=env,
                                        stdout=subprocess.PIPE, text=True) for _ in range(2))
    try:
        assert killed.stdout is not None and running.stdout is not None
        left = Path(killed.stdout.readline().strip())
        kept = Path(running.stdout.readline().strip())
        killed.kill()
        killed.wait()
        other = tmp_path / "reportgen-notes"
        other.mkdir()
        assert left.parent == tmp_path and left.is_dir() and kept.is_dir()
        assert remove_abandoned(tmp_path) == [left]
        assert not left.exists() and kept.is_dir() and other.is_dir()
    finally:
        for process in (killed, running):
            process.kill()
            process.wait()
