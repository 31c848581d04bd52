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
  ./qinqing bench NAME [options]          run a benchmark from bench/ (docs/PERFORMANCE.md)
  ./qinqing upgrade-check [--from REV]    an earlier release's database migrates with nothing lost
  ./qinqing help                          this text and every management command
  ./qinqing <command> --help              help for one command

Project commands: apikey, audit, roles, workdays, policy, import, export, demo, ...
"""


def _names_tests(args: list[str]) -> bool:
    """Whether the pytest arguments pick tests (a path, a node id, ``-k``/``-m``) or set the processes."""
    from pathlib import Path

    for arg in args:
        if arg in ("--pdb", "-x", "--exitfirst", "no:xdist") or arg.startswith(
            ("-k", "-m", "-n", "--numprocesses")
        ):
            return True
        if not arg.startswith("-") and Path(arg.split("::", 1)[0]).exists():
            return True
    return False


def _run_tests(args: list[str]) -> int:
    """The whole suite runs on every core (pytest-xdist, one database per worker); a run that names
    its tests, stops at the first failure or sets the processes itself runs as asked."""
    import pytest

    if not _names_tests(args):
        args = ["-n", "auto", *args]
    return pytest.main(args)


def _run_benchmark(args: list[str]) -> int:
    """``qinqing bench NAME [options]`` runs bench/NAME.py with this environment's Python."""
    import subprocess
    from pathlib import Path

    bench_dir = Path(os.environ.get("QINQING_HOME", Path.cwd())) / "bench"
    available = sorted(p.stem for p in bench_dir.glob("*.py") if not p.stem.startswith("_"))
    if not args or args[0] not in available:
        print("usage: qinqing bench NAME [options]; NAME is one of: " + ", ".join(available), file=sys.stderr)
        return 2
    return subprocess.call([sys.executable, str(bench_dir / f"{args[0]}.py"), *args[1:]])  # noqa: S603


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    command = argv[0] if argv else "help"
    if command == "upgrade-check":  # the management command's name, written as the other CLI words
        argv[0] = command = "upgrade_check"
    if command == "serve":
        os.environ["QINQING_MODE"] = "demo"
    elif command == "bench":
        sys.exit(_run_benchmark(argv[1:]))
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
