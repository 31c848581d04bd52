import datetime
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from qinqing.core import calendar
from qinqing.core.audit import SystemActor
from qinqing.core.calendar.services import DEFAULT_SEED_YEARS, calendar_notice_load, calendar_seed_years
from qinqing.core.errors import ServiceError
from qinqing.core.models import CalendarYear

PROVISIONAL = "暂定 provisional"


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError as error:
        raise CommandError(f"not a date (YYYY-MM-DD): {text}") from error


class Command(BaseCommand):
    help = (
        "Working-day arithmetic with statutory holidays and make-up workdays (调休): "
        "add DATE N prints the due date; between DATE DATE counts working days after the first date up to "
        "and including the second; notice FILE loads a year from the State Council notice; seed loads years "
        "from chinesecalendar; show YEAR [--json] lists a year. Answers that use the provisional "
        "year (the year "
        "after the last loaded one, before its notice is published) are marked 暂定/provisional."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="the date N working days after DATE (counting starts the next day)")
        add.add_argument("start")
        add.add_argument("days", type=int)
        between = sub.add_parser("between", help="working days after START up to and including END")
        between.add_argument("start")
        between.add_argument("end")
        notice = sub.add_parser(
            "notice",
            help="load a year from the text of the State Council notice "
            "(国务院办公厅关于YYYY年部分节假日安排的通知); '-' reads standard input",
        )
        notice.add_argument("file")
        notice.add_argument(
            "--replace", action="store_true", help="overwrite the year if it is already loaded"
        )
        seed = sub.add_parser(
            "seed", help="load years from the chinesecalendar package (years already loaded are kept)"
        )
        seed.add_argument("--years", type=int, nargs="+", default=list(DEFAULT_SEED_YEARS))
        show = sub.add_parser("show", help="list a year's holidays and make-up workdays")
        show.add_argument("year", type=int)
        show.add_argument(
            "--json", action="store_true", help='print {"year", "provisional", "holidays", "workdays"}'
        )

    def handle(self, *args, action, **options):
        try:
            if action == "add":
                result = calendar.deadline_info(_date(options["start"]), options["days"])
                self.stdout.write(
                    result.due.isoformat() + (f" ({PROVISIONAL})" if result.provisional else "")
                )
            elif action == "between":
                start, end = _date(options["start"]), _date(options["end"])
                count = calendar.workdays_between(start, end)
                provisional = calendar.is_provisional(start) or calendar.is_provisional(end)
                self.stdout.write(str(count) + (f" ({PROVISIONAL})" if provisional else ""))
            elif action == "notice":
                self._notice(options["file"], options["replace"], options["verbosity"])
            elif action == "seed":
                loaded = calendar_seed_years(years=options["years"], actor=SystemActor("workdays seed"))
                if options["verbosity"]:
                    done = ", ".join(str(year.year) for year in loaded) or "nothing new"
                    self.stdout.write(f"loaded: {done}")
            elif action == "show":
                self._show(options["year"], as_json=options["json"])
        except ServiceError as error:
            raise CommandError(error.text()) from error

    def _notice(self, file: str, replace: bool, verbosity: int) -> None:
        import sys

        try:
            text = sys.stdin.read() if file == "-" else Path(file).read_text(encoding="utf-8-sig")
        except OSError as error:
            raise CommandError(f"cannot read {file}: {error}") from error
        except UnicodeDecodeError as error:
            raise CommandError(f"{file} is not UTF-8 text: {error}") from error
        loaded = calendar_notice_load(text=text, actor=SystemActor("workdays notice"), replace=replace)
        if verbosity:
            notice = loaded.notice
            self.stdout.write(f"loaded {notice.year} from {notice.title} {notice.document_number}".rstrip())
            self.stdout.write(f"holidays: {len(notice.for_year(notice.year)[0])}, make-up workdays: "
                              f"{len(notice.for_year(notice.year)[1])}")
            if loaded.earlier_year_merged:
                self.stdout.write(
                    f"also set in {loaded.earlier_year_merged}: the days the notice gives in that December"
                )

    def _show(self, year: int, *, as_json: bool) -> None:
        schedule = calendar.year_schedule(year)  # refuses a year that is neither loaded nor provisional
        if as_json:
            self.stdout.write(json.dumps({
                "year": year,
                "provisional": schedule["provisional"],
                "holidays": [day.isoformat() for day in schedule["holidays"]],
                "workdays": [day.isoformat() for day in schedule["workdays"]],
            }, ensure_ascii=False))
            return
        if schedule["provisional"]:
            self.stdout.write(
                f"{year} ({PROVISIONAL}: computed from the statutory holidays and the 2025 arrangement "
                f"principles; the State Council notice for {year} is not loaded)"
            )
        else:
            calendar_year = CalendarYear.objects.get(year=year)
            self.stdout.write(
                f"{year} (source: {calendar_year.source}, loaded {calendar_year.loaded_at:%Y-%m-%d %H:%M})"
            )
        rows = [(day, "holiday") for day in schedule["holidays"]] + [
            (day, "workday") for day in schedule["workdays"]
        ]
        for day, kind in sorted(rows):
            self.stdout.write(f"{day.isoformat()} {day:%a} {kind:<8} {schedule['names'].get(day, '')}")
