"""How ingestion commands report: one JSON summary for scripts, a progress bar for people."""

from __future__ import annotations

import json
import os
import sys

from tqdm import tqdm

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
    """A progress bar (tqdm) on a terminal; nothing at all when the stream is a pipe or a file.

    Scripts read the summary from stdout; a bar redrawn with carriage returns would only
    clutter a log, so it is shown to people only.
    """

    def __init__(self, stream=None, unit=""):
        self.stream = stream or sys.stderr
        self.unit = unit
        self.active = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.bar = None

    def _bar(self, total, **style):
        if self.bar is None:
            # A terminal that reports no size (a bare pty) would get no bar at all: assume 80x24.
            sized = _columns(self.stream) > 0
            self.bar = tqdm(total=total, file=self.stream, unit=self.unit, leave=False,
                            dynamic_ncols=sized, ncols=None if sized else 80, nrows=None if sized else 24,
                            **style)
        elif total != self.bar.total:
            self.bar.total = total
        return self.bar

    def show(self, done, total, note=""):
        if not self.active:
            return
        bar = self._bar(total)
        bar.n = done
        bar.set_description_str(note[:50], refresh=False)
        bar.refresh()

    def note(self, text):
        if self.active:
            bar = self._bar(None, bar_format="{desc} {elapsed}")  # one step of unknown length
            bar.set_description_str(text[:90])

    def close(self):
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def _columns(stream):
    try:
        return os.get_terminal_size(stream.fileno()).columns
    except (AttributeError, OSError, ValueError):
        return 0
