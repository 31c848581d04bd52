import datetime
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from qinqing.core.audit import SystemActor
from qinqing.core.errors import ServiceError
from qinqing.policy import selectors
from qinqing.policy.citations import citation_label
from qinqing.policy.models import Level
from qinqing.policy.services import policy_import, text_from_file

SEED_DIRECTORY = Path(__file__).resolve().parents[2] / "seed"


def seed_files() -> list[Path]:
    return sorted(SEED_DIRECTORY.glob("*.txt"))


def _item_json(item) -> dict:
    return {"key": item.key, "number": item.number, "label": citation_label(item.key), "text": item.text}


def _article_json(article) -> dict:
    return {
        "key": article.key,
        "number": article.number,
        "label": citation_label(article.key),
        "chapter": {"number": article.chapter.number, "title": article.chapter.title},
        "text": article.text,
        "items": [_item_json(item) for item in article.items.all()],
    }


class Command(BaseCommand):
    help = (
        "The district policy library: import a policy text (a new text becomes the next version), "
        "show the current policy, an article (15) or an item (15.7), list the versions."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        importing = sub.add_parser("import", help="import FILE, or the bundled seed policy with --seed")
        importing.add_argument("file", nargs="?")
        importing.add_argument(
            "--seed", action="store_true", help="import the seed policy shipped with qinqing"
        )
        importing.add_argument(
            "--level",
            choices=list(Level.values),
            help="another document of the library (national, provincial, municipal or district): current "
            "next to the district's measures, a changed text becoming its next version; without it FILE is "
            "a new version of the district's own measures",
        )
        importing.add_argument("--issuer", default="", help="the issuing body")
        importing.add_argument("--number", default="", help="the document number (文号)")
        importing.add_argument("--issued-on", type=datetime.date.fromisoformat, help="YYYY-MM-DD")
        importing.add_argument("--valid-from", type=datetime.date.fromisoformat, help="YYYY-MM-DD")
        importing.add_argument("--valid-until", type=datetime.date.fromisoformat, help="YYYY-MM-DD")
        show = sub.add_parser("show", help="the whole current policy as an outline, or one article/item")
        show.add_argument("key", nargs="?")
        show.add_argument("--json", action="store_true")
        sub.add_parser("versions", help="list the imported versions")
        sub.add_parser("reindex", help="rebuild the library's full-text index from the stored documents")

    def handle(self, *args, action, **options):
        try:
            if action == "import":
                self._import(options["file"], options["seed"], options["verbosity"], options)
            elif action == "reindex":
                from django.db import transaction

                from qinqing.policy import search_index

                with transaction.atomic():
                    count = search_index.rebuild()
                self.stdout.write(f"{count} document(s) indexed")
            elif action == "show":
                self._show(options["key"], options["json"])
            elif action == "versions":
                for document in selectors.versions_all():
                    marker = "*" if document.is_current else " "
                    self.stdout.write(
                        f"{marker} v{document.version}  {document.imported_at:%Y-%m-%d %H:%M}  "
                        f"{document.content_hash[:16]}  {document.source_name}  {document.title}  "
                        f"[{document.level}]"
                    )
        except ServiceError as error:
            raise CommandError(error.text()) from error

    def _import(self, file: str | None, seed: bool, verbosity: int, options: dict | None = None) -> None:
        if bool(file) == seed:
            raise CommandError("give either FILE or --seed")
        options = options or {}
        level = options.get("level")
        paths = seed_files() if seed else [Path(file)]
        for path in paths:
            try:
                data = path.read_bytes()
            except OSError as error:
                raise CommandError(f"cannot read {path}: {error}") from error
            if path.suffix.lower() == ".docx":
                raw_text = text_from_file(path.name, data)
            else:  # the district's measures have always come as UTF-8 text, whatever the file is called
                try:
                    raw_text = data.decode("utf-8")
                except UnicodeDecodeError as error:
                    raise CommandError(f"cannot read {path} as UTF-8 text: {error}") from error
            extra = {}
            if level:
                extra = {
                    "series": None,
                    "level": level,
                    "issuing_body": options.get("issuer") or "",
                    "document_number": options.get("number") or "",
                    "issued_on": options.get("issued_on"),
                    "valid_from": options.get("valid_from"),
                    "valid_until": options.get("valid_until"),
                }
            document, created = policy_import(
                raw_text=raw_text, source_name=path.name, actor=SystemActor("policy import"), **extra
            )
            if verbosity:
                state = "imported as" if created else "unchanged, already"
                self.stdout.write(
                    f"{path.name}: {state} version {document.version} ({document.articles.count()} articles)"
                )

    def _show(self, key: str | None, as_json: bool) -> None:
        document = selectors.current_policy()
        if document is None:
            raise CommandError("no policy imported yet: run ./qinqing policy import --seed")
        if key and "." in key:
            item = selectors.item(key)
            data = {**_item_json(item), "article": item.article.key}
            self._write(data, as_json, f"{data['label']}\n{item.text}")
        elif key:
            article = selectors.article(key)
            data = _article_json(article)
            lines = [data["label"], article.text]
            self._write(data, as_json, "\n".join(lines))
        else:
            chapters = selectors.chapters_with_articles(document)
            data = {
                "title": document.title,
                "version": document.version,
                "chapters": [
                    {
                        "number": chapter.number,
                        "title": chapter.title,
                        "articles": [
                            {"key": a.key, "items": [i.key for i in a.items.all()]}
                            for a in chapter.articles.all()
                        ],
                    }
                    for chapter in chapters
                ],
            }
            lines = [f"{document.title} (v{document.version})"]
            for chapter in chapters:
                lines.append(f"第{chapter.number}章 {chapter.title}")
                for article in chapter.articles.all():
                    first = article.text.splitlines()[0] if article.text else ""
                    lines.append(f"  {article.key:>3}  {first[:60]}")
                    for item in article.items.all():
                        lines.append(f"       {item.key:<6} {item.text[:50]}")
            self._write(data, as_json, "\n".join(lines))

    def _write(self, data: dict, as_json: bool, text: str) -> None:
        self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) if as_json else text)
