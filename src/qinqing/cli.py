"""The ``qinqing`` command: the project's management commands plus ``serve`` and ``test``.

``./qinqing serve`` runs in demo mode explicitly; ``./qinqing test`` runs the suite in test
mode. Other commands use QINQING_MODE from the environment; when neither it nor a
production secret key is set, they act on the local demo database (and say so).
"""

import os
import sys

USAGE = """qinqing — 亲清 platform

  ./qinqing serve [--host H] [--port P]   migrate, load the demo district on first run, serve the site
  ./qinqing test [pytest args]            run the whole test suite
  ./qinqing help                          this text and every management command
  ./qinqing <command> --help              help for one command

Project commands: apikey, audit, roles, workdays, policy, import, export, demo, ...
"""


def _run_tests(args: list[str]) -> int:
    import pytest

    return pytest.main(args)


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    command = argv[0] if argv else "help"
    if command == "serve":
        os.environ["QINQING_MODE"] = "demo"
    elif command == "test":
        os.environ["QINQING_MODE"] = "test"
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qinqing.settings")
        sys.exit(_run_tests(argv[1:]))
    elif "QINQING_MODE" not in os.environ and "QINQING_SECRET_KEY" not in os.environ:
        os.environ["QINQING_MODE"] = "demo"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qinqing.settings")
    from django.core.management import execute_from_command_line

    if command in {"help", "--help", "-h"} and len(argv) <= 1:
        print(USAGE)
        execute_from_command_line(["qinqing", "help"])
        return
    execute_from_command_line(["qinqing", *argv])


if __name__ == "__main__":
    main()
