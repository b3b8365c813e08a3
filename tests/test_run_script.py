"""`make run` (scripts/run.sh) on SQLite and the filesystem broker: Ctrl-C, or a TERM to
its process group, stops the web server, the worker, its pool and beat within 10 seconds,
and links in e-mails follow the port it serves."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = [
    pytest.mark.realworker,
    pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes in /proc"),
]

BIN = Path(sys.executable).parent
STOP_WITHIN_SECONDS = 10.0
# The shell's Ctrl-C reaches a program only if SIGINT is not ignored; a test run started
# in the background of a script would pass its ignored SIGINT on to run.sh.
AS_A_TERMINAL = (
    "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); "
    "os.execv(sys.argv[1], sys.argv[1:])"
)


def _environment(folder: Path, **extra: str) -> dict[str, str]:
    """The embedded default, in a folder of the test's own: its SQLite database, its
    broker queue and beat schedule (POLKU_VAR_DIR), whatever the suite runs on."""
    inherited = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_", "DATABASE_", "REDIS_", "POLKU_"))
    }
    return {
        **inherited,
        "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
        "POLKU_VAR_DIR": str(folder / "var"),
        **extra,
    }


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("migrated")
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"],
        cwd=settings.BASE_DIR,
        env=_environment(folder),
        check=True,
        capture_output=True,
    )
    return folder / "db.sqlite3"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name in parentheses may hold spaces; the fields after it do not.
    return text.rsplit(")", 1)[1].split()


def _alive(pid: int) -> bool:
    stat = _stat(pid)
    return stat is not None and stat[0] != "Z"


def _descendants(root: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (stat := _stat(int(entry.name))):
            children.setdefault(int(stat[1]), []).append(int(entry.name))
    found: set[int] = set()
    todo = [root]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def _command(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _environ(pid: int) -> dict[str, str]:
    raw = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    return dict(item.decode().split("=", 1) for item in raw if b"=" in item)


def _answers(port: int) -> bool:
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False
    return True


class Run:
    """scripts/run.sh started as `make run` starts it, in a session of its own."""

    def __init__(self, folder: Path, port: int, **extra_env: str) -> None:
        self.folder = folder
        self.port = port
        self.output = folder / "run.out"
        address = ["127.0.0.1", str(port)]
        with self.output.open("wb") as output:
            self.process = subprocess.Popen(
                [sys.executable, "-c", AS_A_TERMINAL, "scripts/run.sh", str(BIN), *address],
                cwd=settings.BASE_DIR,
                env=_environment(folder, **extra_env),
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.seen: set[int] = {self.process.pid}

    def logs(self) -> str:
        worker_log = self.folder / "var" / "worker.log"
        worker = worker_log.read_text(errors="replace") if worker_log.exists() else ""
        return f"{self.output.read_text(errors='replace')}\n--- worker.log\n{worker}"

    def wait_until_ready(self, timeout: float = 120) -> None:
        worker_log = self.folder / "var" / "worker.log"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.logs()
            ready = worker_log.exists() and " ready." in worker_log.read_text(errors="replace")
            if ready and _answers(self.port):
                self.seen |= _descendants(self.process.pid)
                return
            time.sleep(0.3)
        pytest.fail(f"run.sh was not ready in {timeout} s:\n{self.logs()}")

    def pids(self, word: str) -> list[int]:
        return [pid for pid in sorted(self.seen) if word in _command(pid)]

    def stop_with(self, sig: signal.Signals) -> float:
        """Sends the signal to run.sh's process group, as a terminal's Ctrl-C does; returns
        the seconds until no process it started is left."""
        started = time.monotonic()
        os.killpg(self.process.pid, sig)
        while time.monotonic() - started < STOP_WITHIN_SECONDS + 20:
            self.process.poll()
            if _alive(self.process.pid):
                self.seen |= _descendants(self.process.pid)
            if not any(_alive(pid) for pid in self.seen):
                return time.monotonic() - started
            time.sleep(0.1)
        return time.monotonic() - started

    def kill_leftovers(self) -> None:
        for pid in self.seen:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
        self.process.wait(timeout=10)


@pytest.fixture
def run_sh(tmp_path: Path, migrated: Path) -> Iterator[Callable[..., Run]]:
    shutil.copy(migrated, tmp_path / "db.sqlite3")
    started: list[Run] = []

    def start(**extra_env: str) -> Run:
        run = Run(tmp_path, _free_port(), **extra_env)
        started.append(run)
        return run

    yield start
    for run in started:
        run.kill_leftovers()


def test_ctrl_c_stops_web_worker_pool_and_beat_within_ten_seconds(run_sh):
    run = run_sh()
    run.wait_until_ready()
    # The worker's main process, its two pool processes and beat; runserver's autoreloader
    # and the server process it runs.
    assert len(run.pids("celery")) >= 4, run.logs()
    assert len(run.pids("runserver")) >= 2, run.logs()
    # Links in e-mails follow the port served: the web server renders the e-mails it puts
    # in the outbox, the worker reminders and digests, both with POLKU_BASE_URL.
    for pid in [*run.pids("runserver"), *run.pids("celery")]:
        assert _environ(pid)["POLKU_BASE_URL"] == f"http://127.0.0.1:{run.port}"

    seconds = run.stop_with(signal.SIGINT)

    left = {pid: _command(pid) for pid in run.seen if _alive(pid)}
    assert not left, f"still running after {seconds:.1f} s: {left}\n{run.logs()}"
    assert seconds <= STOP_WITHIN_SECONDS, run.logs()
    assert "Warm shutdown" in run.logs()


def test_a_term_to_the_process_group_stops_everything_within_ten_seconds(run_sh):
    """The hang of issue 13: a TERM to every process of the group killed a pool process
    holding the pool's queue lock, and the worker waited for that lock for ever."""
    run = run_sh(POLKU_BASE_URL="https://polku.example.fi")
    run.wait_until_ready()
    # An address set explicitly is kept.
    for pid in [*run.pids("runserver"), *run.pids("celery")]:
        assert _environ(pid)["POLKU_BASE_URL"] == "https://polku.example.fi"

    seconds = run.stop_with(signal.SIGTERM)

    left = {pid: _command(pid) for pid in run.seen if _alive(pid)}
    assert not left, f"still running after {seconds:.1f} s: {left}\n{run.logs()}"
    assert seconds <= STOP_WITHIN_SECONDS, run.logs()
