"""Epitope's command names (one style, deprecated aliases) and the exit status every command uses.

Epitope's own commands are spelt with hyphens (`ingest-file`, `send-digests`, `purge-pages`):
eleven of the fourteen already were, the README always showed them so, and an operator types
them as words, like `git cherry-pick`. Django's and Wagtail's commands keep their own names
(`collectstatic`, `publish_scheduled`): renaming them would break their documentation.

An old spelling keeps working for one release as an alias that says on stderr what to type
instead; `epitope help` lists the canonical names and the aliases under them.

Exit status of every command (README, "Exit status"): 0 all well, 1 some source, file, record
or digest failed (what could be done was done), 2 bad usage. argparse already exits 2 for an
unknown option; an unknown command exits 2 (`epitope.dispatcher`) instead of Django's 1.

Nothing here imports Django: `epitope --version` stays as quick as Python's start-up.
"""

import sys

# old name → canonical name; removed in the release after REMOVED_AFTER.
ALIASES = {"purge_pages": "purge-pages"}
REMOVED_AFTER = "0.2"
EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def canonical(argv, stderr=None):
    """Return argv with a deprecated command name replaced by its canonical one, saying so on stderr."""
    argv = list(argv)
    # `epitope NAME ...` and `epitope help NAME`
    index = 1 if argv[:1] == ["help"] else 0
    if len(argv) > index and argv[index] in ALIASES:
        old, new = argv[index], ALIASES[argv[index]]
        print(f"epitope: `{old}` is deprecated and will be removed after {REMOVED_AFTER}; use `{new}`",
              file=stderr or sys.stderr, flush=True)
        argv[index] = new
    return argv
