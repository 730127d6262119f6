"""Crash safety for real: kill -9 an import midway, rerun it, and compare with a clean run.

Runs `epitope ingest-file` in subprocesses against SQLite databases on disk, as an operator would.
"""

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from tests.ingest_support import write_pubmed_baseline

COPIES = 40  # 40 real records × 40 = 1,600 distinct items, eight committed batches


def epitope(db, *args, **kwargs):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}", "DJANGO_SETTINGS_MODULE": "epitope.settings.test",
           "EPITOPE_VAR_DIR": str(db.parent)}
    return subprocess.Popen([sys.executable, "-m", "epitope.cli", *args], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, **kwargs)


def finish(proc):
    out, err = proc.communicate(timeout=900)
    assert proc.returncode == 0, err.decode()[-2000:]
    return out


def count(db, sql="SELECT COUNT(*) FROM ingest_item"):
    with sqlite3.connect(db, timeout=30) as conn:
        return conn.execute(sql).fetchone()[0]


def snapshot(db):
    with sqlite3.connect(db, timeout=30) as conn:
        return {
            "identities": sorted(r[0] for r in conn.execute("SELECT identity FROM ingest_item")),
            "unclustered": conn.execute("SELECT COUNT(*) FROM ingest_item WHERE cluster_id IS NULL").fetchone()[0],
            "keyless": conn.execute(
                "SELECT COUNT(*) FROM ingest_item WHERE id NOT IN (SELECT item_id FROM ingest_clusterkey)"
            ).fetchone()[0],
        }


@pytest.mark.skipif(sys.platform == "win32", reason="needs SIGKILL")
def test_a_killed_import_loses_nothing_and_a_rerun_completes_it(tmp_path):
    killed_db, clean_db = tmp_path / "killed.sqlite3", tmp_path / "clean.sqlite3"
    finish(epitope(killed_db, "migrate", "-v0"))
    shutil.copy(killed_db, clean_db)
    baseline = tmp_path / "pubmed_baseline.xml"
    total = write_pubmed_baseline(baseline, COPIES)

    proc = epitope(killed_db, "ingest-file", str(baseline), "--source", "baseline")
    deadline = time.monotonic() + 600
    stored = 0
    while proc.poll() is None and time.monotonic() < deadline:
        try:
            stored = count(killed_db)
        except sqlite3.OperationalError:  # table busy for a moment: look again
            stored = 0
        if stored >= 400:
            break
        time.sleep(0.05)
    assert proc.poll() is None, "the import finished before it could be killed; raise COPIES"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    after_kill = count(killed_db)
    assert 0 < after_kill < total

    out = finish(epitope(killed_db, "ingest-file", str(baseline), "--source", "baseline", "--json"))
    assert b'"new": %d' % (total - after_kill) in out
    finish(epitope(clean_db, "ingest-file", str(baseline), "--source", "baseline"))

    resumed, clean = snapshot(killed_db), snapshot(clean_db)
    assert len(resumed["identities"]) == len(clean["identities"]) == total
    assert resumed["identities"] == clean["identities"]
    assert len(set(resumed["identities"])) == total  # no duplicates
    assert resumed["unclustered"] == resumed["keyless"] == 0  # no half-stored item survived the kill
