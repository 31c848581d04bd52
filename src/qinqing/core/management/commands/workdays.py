import datetime

from django.core.management.base import BaseCommand, CommandError

from qinqing.core import calendar
from qinqing.core.audit import SystemActor
from qinqing.core.calendar_services import DEFAULT_SEED_YEARS, calendar_seed_years
from qinqing.core.errors import ServiceError
from qinqing.core.models import CalendarDay, CalendarYear


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError as error:
        raise CommandError(f"not a date (YYYY-MM-DD): {text}") from error


class Command(BaseCommand):
    help = (
        "Working-day arithmetic with statutory holidays and make-up workdays (调休): "
        "add DATE N prints the due date; between DATE DATE counts working days after the first date up to "
        "and including the second; seed loads years from chinesecalendar; show YEAR lists a year."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="the date N working days after DATE (counting starts the next day)")
        add.add_argument("start")
        add.add_argument("days", type=int)
        between = sub.add_parser("between", help="working days after START up to and including END")
        between.add_argument("start")
        between.add_argument("end")
        seed = sub.add_parser("seed", help="load years from the chinesecalendar package (years already loaded are kept)")
        seed.add_argument("--years", type=int, nargs="+", default=list(DEFAULT_SEED_YEARS))
        show = sub.add_parser("show", help="list a year's holidays and make-up workdays")
        show.add_argument("year", type=int)

    def handle(self, *args, action, **options):
        try:
            if action == "add":
                self.stdout.write(calendar.add_workdays(_date(options["start"]), options["days"]).isoformat())
            elif action == "between":
                self.stdout.write(str(calendar.workdays_between(_date(options["start"]), _date(options["end"]))))
            elif action == "seed":
                loaded = calendar_seed_years(years=options["years"], actor=SystemActor("workdays seed"))
                if options["verbosity"]:
                    done = ", ".join(str(year.year) for year in loaded) or "nothing new"
                    self.stdout.write(f"loaded: {done}")
            elif action == "show":
                self._show(options["year"])
        except ServiceError as error:
            raise CommandError(error.text()) from error

    def _show(self, year: int) -> None:
        calendar_year = CalendarYear.objects.filter(year=year).first()
        if calendar_year is None:
            calendar.CalendarSnapshot().require_year(year)  # an empty schedule: raises "not loaded"
        self.stdout.write(f"{year} (source: {calendar_year.source}, loaded {calendar_year.loaded_at:%Y-%m-%d %H:%M})")
        for day in CalendarDay.objects.filter(calendar_year=calendar_year).order_by("date"):
            self.stdout.write(f"{day.date.isoformat()} {day.date:%a} {day.kind:<8} {day.name}")
