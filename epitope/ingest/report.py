"""How ingestion commands report: one JSON summary for scripts, a progress bar for people."""

from __future__ import annotations

import json
import sys

COUNTS = ("fetched", "new", "updated", "duplicates", "skipped", "rejected")


def totals(summaries):
    out = {name: sum(getattr(s, name) for s in summaries) for name in COUNTS}
    out["errors"] = sum(len(s.errors) for s in summaries)
    return out


def as_json(summaries, extra=None):
    """Return the one machine-readable summary `--json` prints."""
    runs = []
    for s in summaries:
        row = s.as_dict()
        row.update((extra or {}).get(id(s), {}))
        runs.append(row)
    return json.dumps({"sources": runs, "totals": totals(summaries)}, indent=2, default=str)


def as_text(summaries, labels=None):
    lines = []
    for s in summaries:
        label = (labels or {}).get(id(s)) or s.source or "(no source)"
        state = "not modified" if s.not_modified else (
            f"{s.fetched} fetched, {s.new} new, {s.updated} updated, {s.duplicates} duplicates"
            + (f", {s.skipped} deleted before" if s.skipped else "")
            + (f", {s.rejected} rejected" if s.rejected else "")
        )
        lines.append(f"{label}: {state}")
        lines.extend(f"  error: {message}" for message in s.errors)
        lines.extend(f"  note: {message}" for message in s.notes)
    t = totals(summaries)
    lines.append(f"Total: {t['fetched']} fetched, {t['new']} new, {t['updated']} updated, "
                 f"{t['duplicates']} duplicates, {t['rejected']} rejected, {t['errors']} errors")
    return "\n".join(lines)


class Progress:
    """A one-line progress bar on a terminal; silent when the stream is not one."""

    def __init__(self, stream=None, width=30):
        self.stream = stream or sys.stderr
        self.width = width
        self.active = hasattr(self.stream, "isatty") and self.stream.isatty()

    def show(self, done, total, note=""):
        if not self.active:
            return
        filled = int(self.width * done / total) if total else self.width
        bar = "#" * filled + "-" * (self.width - filled)
        self.stream.write(f"\r[{bar}] {done}/{total} {note[:50]:<50}")
        self.stream.flush()

    def note(self, text):
        if self.active:
            self.stream.write(f"\r{text[:90]:<90}")
            self.stream.flush()

    def close(self):
        if self.active:
            self.stream.write("\n")
            self.stream.flush()
