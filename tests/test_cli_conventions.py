"""Operator conventions, on the real `epitope` command in a child process.

Exit status 0 all well, 1 some source/file/digest failed, 2 bad usage (README, "Exit status");
`--json` output parses; the old name `purge_pages` still works with a deprecation line; the
progress bar shows on a terminal and never in a pipe.
"""

import fcntl
import json
import os
import pty
import select
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TESTDATA = ROOT / "tests" / "testdata" / "ingest_runs"
EPITOPE = [sys.executable, "-m", "epitope.cli"]


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    """A migrated SQLite database of its own, and the test settings (locmem mail and cache)."""
    var = tmp_path_factory.mktemp("cli-var")
    dropped = ("DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "REDIS_URL", "DATABASE_URL")
    clean = {k: v for k, v in os.environ.items() if not k.startswith("EPITOPE_") and k not in dropped}
    environ = {**clean, "DJANGO_SETTINGS_MODULE": "epitope.settings.test", "EPITOPE_VAR_DIR": str(var),
               "DATABASE_URL": f"sqlite:///{var / 'epitope.sqlite3'}", "EPITOPE_FETCH_ALLOW_PRIVATE": "1"}
    migrate = subprocess.run([*EPITOPE, "migrate", "--noinput", "-v0"], env=environ, cwd=ROOT,
                             capture_output=True, text=True, timeout=600)
    assert migrate.returncode == 0, migrate.stderr
    return environ


def epitope(env, *args, timeout=180, **extra):
    return subprocess.run([*EPITOPE, *args], env={**env, **extra}, cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout)


def closed_port():
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nothing listens once the socket is closed


@pytest.mark.parametrize("args, why", [
    (["no-such-command"], "Unknown command: 'no-such-command'"),
    (["ingest", "--no-such-option"], "unrecognized arguments: --no-such-option"),
    (["send-digests", "--now", "next tuesday"], "not an ISO date-time"),
    (["generate-data", "--articles", "-1"], "must be zero or more"),
    (["train-relevance", "--folds", "2", "x.xml"], "--folds must be at least 3"),
    (["classify-eval", "/nonexistent/file.xml"], "no such file or folder"),
])
def test_bad_usage_exits_2_and_says_why(env, args, why):
    result = epitope(env, *args)
    assert result.returncode == 2, result.stderr
    assert why in result.stderr and "Traceback" not in result.stderr


def test_the_old_name_purge_pages_still_works_and_says_the_new_one(env):
    old = epitope(env, "purge_pages")
    assert old.returncode == 0, old.stderr
    assert old.stdout == "Page cache purged.\n"
    assert "`purge_pages` is deprecated and will be removed after 0.2; use `purge-pages`" in old.stderr
    new = epitope(env, "purge-pages")
    assert new.returncode == 0 and "deprecated" not in new.stderr

    listing = epitope(env, "help").stdout
    commands = {line.strip() for line in listing.splitlines() if line.startswith("    ")}
    assert {"purge-pages", "ingest-file", "send-digests", "classify-eval"} <= commands
    assert "purge_pages" not in commands  # an alias, named only in the note below the list
    assert "Deprecated names (removed after 0.2): purge_pages → purge-pages" in listing
    assert epitope(env, "help", "purge_pages").stdout.startswith("usage: epitope purge-pages")


def test_ingest_and_sources_exit_status_and_json(env):
    added = epitope(env, "sources", "add", "Down", "--kind", "rss", "--url", f"http://127.0.0.1:{closed_port()}/feed",
                    "--json")
    assert added.returncode == 0, added.stderr
    source = json.loads(added.stdout)
    assert source["action"] == "added" and source["source"]["name"] == "Down"

    listed = epitope(env, "sources", "list", "--json")
    assert [row["name"] for row in json.loads(listed.stdout)] == ["Down"]

    # Every due source failed: exit 1, and the JSON summary still says what happened.
    failed = epitope(env, "ingest", "--json")
    assert failed.returncode == 1, failed.stderr
    summary = json.loads(failed.stdout)
    assert summary["totals"]["errors"] == 1
    assert summary["sources"][0]["errors"][0].startswith("fetch: cannot connect")

    # Nothing due now (the failed source backs off): all well, an empty summary.
    idle = epitope(env, "ingest", "--json")
    assert idle.returncode == 0, idle.stderr
    assert json.loads(idle.stdout)["sources"] == []

    assert epitope(env, "ingest", "--source", "9999").returncode == 2
    unknown = epitope(env, "sources", "pause", "No such source", "--json")
    assert unknown.returncode == 2 and "No source 'No such source'" in unknown.stderr

    removed = epitope(env, "sources", "remove", "Down", "--json")
    assert removed.returncode == 0 and json.loads(removed.stdout)["source"]["id"] == source["source"]["id"]


def test_ingest_file_exit_status_json_and_no_bar_in_a_pipe(env, tmp_path):
    good = str(TESTDATA / "small_atom.xml")
    ok = epitope(env, "ingest-file", good, "--json")
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["sources"][0]["file"] == good
    assert "\r" not in ok.stderr and "%|" not in ok.stderr  # piped: no progress bar

    junk = tmp_path / "junk.xml"
    junk.write_bytes(b"this is not a feed")
    partly = epitope(env, "ingest-file", good, str(junk), "--json")
    assert partly.returncode == 1
    rows = json.loads(partly.stdout)["sources"]
    assert [bool(row["errors"]) for row in rows] == [False, True]

    missing = epitope(env, "ingest-file", str(tmp_path / "absent.xml"))
    assert missing.returncode == 2 and "No such file" in missing.stderr


def test_send_digests_json_and_a_mail_server_that_cannot_be_reached(env, tmp_path):
    sent = epitope(env, "send-digests", "--frequency", "daily", "--json")
    assert sent.returncode == 0, sent.stderr
    report = json.loads(sent.stdout)
    assert report["frequency"] == "daily" and report["issue"].startswith("daily:") and report["error"] is None

    # The same command with an SMTP server that is down: exit 1, the JSON says why.
    (tmp_path / "smtp_down.py").write_text(
        "from epitope.settings.test import *  # noqa\n"
        "EMAIL_BACKEND = 'django.core.mail.backends.smtp.EmailBackend'\n"
        f"EMAIL_HOST, EMAIL_PORT = '127.0.0.1', {closed_port()}\n"
    )
    down = epitope(env, "send-digests", "--json", DJANGO_SETTINGS_MODULE="smtp_down", PYTHONPATH=str(tmp_path))
    assert down.returncode == 1, down.stderr
    assert "cannot reach the mail server" in json.loads(down.stdout)["error"]
    assert "cannot reach the mail server" in down.stderr


def test_a_terminal_gets_a_progress_bar(env):
    """stderr on a pseudo-terminal, as in an operator's shell: tqdm draws its bar there."""
    paths = [str(TESTDATA / "small_atom.xml"), str(TESTDATA / "rss_1.0_biorxiv.xml")]
    controller, terminal = pty.openpty()
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # rows, columns
    child = subprocess.Popen([*EPITOPE, "ingest-file", *paths, "--json"], env=env, cwd=ROOT,
                             stdout=subprocess.PIPE, stderr=terminal)
    os.close(terminal)
    seen = b""
    while True:
        ready, _, _ = select.select([controller], [], [], 120)
        if not ready:
            break
        try:
            chunk = os.read(controller, 4096)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        seen += chunk
    out, _ = child.communicate(timeout=120)
    os.close(controller)
    assert child.returncode == 0
    shown = seen.decode("utf-8", "replace")
    assert "2/2" in shown and "100%|" in shown, shown
    assert json.loads(out)["totals"]["errors"] == 0  # stdout stays clean JSON


def test_a_terminal_that_reports_no_size_still_gets_a_bar():
    from epitope.ingest.report import Progress

    controller, terminal = pty.openpty()  # a fresh pty: 0 rows, 0 columns
    with open(terminal, "w", encoding="utf-8", closefd=True) as stream:
        bar = Progress(stream, unit=" files")
        bar.show(1, 2, "first")
        bar.show(2, 2, "done")
        bar.close()
    shown = b""
    while select.select([controller], [], [], 1)[0]:
        try:
            shown += os.read(controller, 4096)
        except OSError:
            break
    os.close(controller)
    assert "done: 100%|" in shown.decode("utf-8", "replace") and b"2/2" in shown
