"""Django's `manage.py` dispatcher with Epitope's exit status and command names (see epitope.commands)."""

from django.core.management import ManagementUtility

from epitope.commands import ALIASES, EXIT_USAGE, REMOVED_AFTER


class Utility(ManagementUtility):
    """Django's `manage.py` dispatcher; an unknown command is bad usage (2), and help names the aliases."""

    def fetch_command(self, subcommand):
        try:
            return super().fetch_command(subcommand)
        except SystemExit as exc:
            if exc.code == 1:  # Django's "Unknown command", already printed
                raise SystemExit(EXIT_USAGE) from None
            raise

    def main_help_text(self, commands_only=False):
        text = super().main_help_text(commands_only)
        if commands_only:
            return text
        aliases = ", ".join(f"{old} → {new}" for old, new in sorted(ALIASES.items()))
        return f"{text}\n\nDeprecated names (removed after {REMOVED_AFTER}): {aliases}"


def dispatch(argv):
    """Run `epitope ARGV...` as Django's execute_from_command_line does."""
    Utility(["epitope", *argv]).execute()
