"""The `epitope` command: Django's management commands with Epitope's settings."""

import os
import sys


def main(argv=None):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "epitope.settings.dev")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["epitope", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
