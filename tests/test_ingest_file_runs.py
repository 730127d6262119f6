"""`epitope ingest-file` over many files: each file's run log, and SQLite reconnections by records."""

import io

import pytest
from django.core.management import call_command
from django.db import connection

from epitope.ingest import files
from epitope.ingest.models import Item, SourceRun
from tests.ingest_support import TESTDATA

RSS = TESTDATA / "large_rss.xml"


def ingest(*paths):
    """Run the command; return its exit status and what it printed."""
    out = io.StringIO()
    try:
        call_command("ingest-file", *map(str, paths), stdout=out, stderr=io.StringIO())
    except SystemExit as exc:
        return exc.code, out.getvalue()
    return 0, out.getvalue()


@pytest.mark.django_db
def test_each_file_gets_one_finished_run_log_with_its_counts_and_errors(tmp_path):
    junk = tmp_path / "junk.xml"
    junk.write_bytes(b"this is not a feed")
    code, printed = ingest(RSS, junk)
    assert code == 1 and "junk.xml" in printed
    good, bad = SourceRun.objects.order_by("pk")
    assert good.reason == f"file: {RSS}" and good.ok and good.errors == []
    assert good.fetched == good.new == Item.objects.count() > 0
    assert good.started_at <= good.finished_at
    assert bad.reason == f"file: {junk}" and not bad.ok and bad.fetched == 0
    assert bad.errors and str(junk) in bad.errors[0]
    assert good.finished_at <= bad.started_at <= bad.finished_at


@pytest.mark.django_db(transaction=True)
def test_sqlite_is_reconnected_after_so_many_records_not_after_every_file(monkeypatch):
    """Memory stays bounded on a huge file (the connection's statement cache is dropped every so
    many records) without closing, so checkpointing and syncing, the database after each small file."""
    if connection.vendor != "sqlite":
        pytest.skip("the reconnection is SQLite's")
    monkeypatch.setattr(files, "RECONNECT_RECORDS", 60)
    closes = []
    close = connection.close

    def counted_close():  # the test database is in memory, where Django ignores a close
        closes.append(connection.in_atomic_block)
        close()

    monkeypatch.setattr(connection, "close", counted_close)
    code, printed = ingest(*[RSS] * 6)  # 25 records each: 150 in all
    assert code == 0, printed
    assert "Total: 150 fetched, 25 new" in printed
    # Dropped once 60 records were stored since the last time: after the 3rd and 6th files,
    # never inside a transaction.
    assert closes == [False, False]
    assert SourceRun.objects.filter(ok=True, fetched=25).count() == 6
