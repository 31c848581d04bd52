import io
import socket

from django.conf import settings
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from qinqing.core.demo import APP_DEMOS, DEMO_PASSWORD, create_demo_accounts


class Command(BaseCommand):
    help = (
        "Migrate, load the demo district on first run, print the demo accounts and serve the site "
        "(demo mode)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--scale", type=int, default=200, help="enterprises in the demo district (first run only)"
        )
        parser.add_argument("--no-serve", action="store_true", help="set up, then exit without serving")
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="do not start the background jobs' worker alongside the site (./qinqing worker)",
        )

    def handle(self, *args, host, port, scale, no_serve, no_worker=False, **options):
        if not settings.DEMO:
            raise CommandError(
                "serve runs in demo mode only; for production use gunicorn (docs/OPERATIONS.md)."
            )
        settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
        if not no_serve:
            self._check_port(host, port)
        self.stdout.write("qinqing: migrating the database ...")
        call_command("migrate", interactive=False, verbosity=0)
        call_command("workdays", "seed", verbosity=0)  # skips years already loaded
        translation.activate(settings.LANGUAGE_CODE)
        first_run = not self._demo_loaded()
        accounts = create_demo_accounts()
        if first_run:
            self._load_demo(scale)
        self.stdout.write("")
        self.stdout.write(f"演示账号 Demo accounts (password / 密码: {DEMO_PASSWORD})")
        for username, label in accounts:
            self.stdout.write(f"  {username:<12} {label}")
        self.stdout.write("")
        if no_serve:
            return
        worker = None if no_worker else self._start_worker()
        self.stdout.write(f"qinqing: serving http://{host}:{port}/  (Ctrl+C to stop)")
        import signal
        import sys

        signal.signal(
            signal.SIGTERM, lambda *_args: sys.exit(0)
        )  # `kill` stops the worker too (the finally below)
        try:
            call_command("runserver", f"{host}:{port}", use_reloader=False, use_threading=True)
        finally:
            if worker is not None:
                self._stop_worker(worker)

    def _start_worker(self):
        """The background jobs (sweep, notifications, dashboard figures, routing) run in a
        ``./qinqing worker`` process next to the demo site, stopped with it."""
        import subprocess
        import sys

        from django.db import connections

        connections.close_all()
        self.stdout.write("qinqing: starting the background jobs' worker (jobs page: /admin-tools/jobs/) ...")
        return subprocess.Popen([sys.executable, "-m", "qinqing.cli", "worker"])  # noqa: S603 (our own CLI)

    def _stop_worker(self, worker) -> None:
        import signal
        import subprocess

        if worker.poll() is None:
            worker.send_signal(signal.SIGTERM)
            try:
                worker.wait(timeout=15)
            except subprocess.TimeoutExpired:
                worker.kill()

    def _check_port(self, host: str, port: int) -> None:
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM) as probe:
            try:
                probe.bind((host, port))
            except OSError as error:
                raise CommandError(
                    f"端口 {port} 已被占用 / Port {port} on {host} is already in use ({error.strerror}). "
                    f"Stop the other program or choose another port: ./qinqing serve --port {port + 1}"
                ) from error

    def _demo_loaded(self) -> bool:
        marker = settings.VAR_DIR / ".demo-loaded"
        return marker.exists()

    def _load_demo(self, scale: int) -> None:
        commands = get_commands()
        if "policy" in commands:
            self.stdout.write("qinqing: importing the seed policy ...")
            call_command("policy", "import", "--seed", verbosity=0)
        if "demo" in commands:
            self.stdout.write(f"qinqing: generating the demo district (scale {scale}) ...")
            call_command("demo", scale=scale, verbosity=0)
        # every app's demo (core.demo.APP_DEMOS), then each background job once: the sweep, notifications,
        # figures
        steps = (*APP_DEMOS, ("worker", ("--once",)))
        for name, arguments in steps:
            if name in commands:
                try:
                    call_command(name, *arguments, verbosity=0, stdout=io.StringIO())
                except CommandError as error:  # a failing job is on the jobs page; the demo still starts
                    self.stderr.write(f"qinqing: {name}: {error}")
        (settings.VAR_DIR / ".demo-loaded").write_text("loaded\n")
