"""Policy library search benchmark (article 4, issue 15): Chinese full-text search over N documents.

    ./qinqing bench policy_search [--documents 2000] [--queries 300] [--database sqlite|postgres]

Builds a scratch database (SQLite under /tmp, or a database ``qinqing_bench_policy`` on the server of
DATABASE_URL — never the ``test`` database), migrates it, and stores ``--documents`` policy documents of
about 30 articles (≈4,000 characters each) written from a vocabulary of policy terms drawn with a Zipf-like
skew, so some words occur in most documents and some in a few. The documents and articles are bulk-inserted
(no audit events: this measures search, not import) and indexed with ``search_index.rebuild`` (timed: the
documents per second indexing costs).

Then, in the same run and on the same data:

* ``search``: ``policy.selectors.search`` as the library page calls it (jieba splits the query, the index
  finds the current documents holding every word, up to 50, each with its articles) — p50 / p95 / max;
* ``index only``: ``search_index.match`` alone;
* ``scan``: what the library did before the index (``LIKE``/``ILIKE`` per word over every current text,
  the first 50) on a subset of the queries;
* ``trivial``: one document's title by primary key (the cost of any round trip to the database).

Prints one row per operation and the ratios search / trivial and scan / search.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

COMMON = [
    "企业",
    "政策",
    "支持",
    "民营经济",
    "发展",
    "服务",
    "部门",
    "政府",
    "市场",
    "管理",
    "建设",
    "环境",
    "创新",
    "保障",
    "落实",
    "推进",
    "健全",
    "完善",
    "机制",
    "实施",
    "加强",
    "优化",
    "促进",
    "办理",
    "审批",
    "监管",
    "公平",
    "竞争",
    "合法",
    "权益",
    "项目",
    "资金",
    "产业",
    "就业",
    "人才",
    "科技",
    "金融",
    "税费",
    "融资",
]
MIDDLE = [
    "营商环境",
    "中小微企业",
    "个体工商户",
    "融资担保",
    "首贷户",
    "贴息",
    "减税降费",
    "政府采购",
    "招标投标",
    "知识产权",
    "信用修复",
    "涉企收费",
    "用地保障",
    "弹性年期",
    "先租后让",
    "标准厂房",
    "数字化转型",
    "专精特新",
    "技术改造",
    "研发费用",
    "加计扣除",
    "稳岗返还",
    "社保缓缴",
    "应急转贷",
    "供应链金融",
    "首台套",
    "绿色低碳",
    "清洁生产",
    "招商引资",
    "总部经济",
    "人才公寓",
    "企业恳谈会",
    "政企沟通",
    "容错纠错",
    "包容审慎",
    "柔性执法",
    "首违不罚",
    "证照分离",
    "一网通办",
    "跨省通办",
    "帮办代办",
]
RARE = [
    "区块链",
    "低空经济",
    "生物医药",
    "集成电路",
    "新能源汽车",
    "储能电站",
    "氢能",
    "海洋经济",
    "预制菜",
    "直播电商",
    "跨境电商",
    "冷链物流",
    "算力中心",
    "工业互联网",
    "元宇宙",
    "人工智能",
    "北斗导航",
    "碳排放权",
    "排污权",
    "林权抵押",
    "农业保险",
    "非遗工坊",
    "夜间经济",
    "首店经济",
    "银发经济",
    "托育服务",
    "家政服务",
    "老字号",
    "平台经济",
    "共享制造",
]
LEVELS = ("national", "provincial", "municipal", "district")


def sentence(rng: random.Random) -> str:
    parts = []
    while sum(len(p) for p in parts) < 110:
        roll = rng.random()
        pool = COMMON if roll < 0.62 else MIDDLE if roll < 0.95 else RARE
        # Zipf-like: the first words of each pool are drawn more often
        parts.append(pool[min(int(rng.paretovariate(1.2)) - 1, len(pool) - 1)])
    return "，".join("".join(parts[i : i + 3]) for i in range(0, len(parts), 3)) + "。"


def document_text(rng: random.Random, number: int) -> tuple[str, list[str]]:
    title = f"关于{rng.choice(MIDDLE)}和{rng.choice(RARE + MIDDLE)}的若干措施（第{number}号）"
    articles = [sentence(rng) for _ in range(30)]
    lines = [title, "第一章 总则"]
    lines += [f"第{index}条 {text}" for index, text in enumerate(articles, start=1)]
    return "\n".join(lines), articles


def set_up(database: str) -> str:
    os.environ["QINQING_MODE"] = "test"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qinqing.settings")
    if database == "postgres":
        import psycopg

        url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
        base = url.rpartition("/")[0]
        with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
            connection.execute('DROP DATABASE IF EXISTS "qinqing_bench_policy"')
            connection.execute('CREATE DATABASE "qinqing_bench_policy"')
        os.environ["DATABASE_URL"] = f"{base}/qinqing_bench_policy"
        os.environ["QINQING_VAR_DIR"] = "/tmp/qinqing-bench-policy-postgresql"  # noqa: S108 (scratch directory)
    else:
        os.environ.pop("DATABASE_URL", None)
        var = Path("/tmp/qinqing-bench-policy-sqlite")  # noqa: S108 (scratch directory)
        shutil.rmtree(var, ignore_errors=True)
        var.mkdir(parents=True)
        os.environ["QINQING_VAR_DIR"] = str(var)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.db import connection

    if connection.vendor == "sqlite":
        return f"SQLite {connection.Database.sqlite_version}"
    return f"PostgreSQL {connection.pg_version // 10000}"


def build(count: int, seed: int) -> tuple[float, int]:
    from django.db import transaction
    from django.utils import timezone

    from qinqing.policy import search_index
    from qinqing.policy.models import Article, Chapter, PolicyDocument
    from qinqing.policy.parser import content_hash

    rng = random.Random(seed)  # noqa: S311 (bench data)
    now = timezone.now()
    chars = 0
    with transaction.atomic():
        for start in range(0, count, 200):
            rows, bodies = [], []
            for number in range(start, min(count, start + 200)):
                text, articles = document_text(rng, number)
                chars += len(text)
                rows.append(
                    PolicyDocument(
                        title=text.splitlines()[0],
                        series=f"bench:{number}",
                        level=LEVELS[number % 4],
                        issuing_body="某市人民政府",
                        version=1,
                        content_hash=content_hash(text),
                        source_name=f"bench-{number}.txt",
                        raw_text=text,
                        imported_at=now,
                        is_current=True,
                    )
                )
                bodies.append(articles)
            documents = PolicyDocument.objects.bulk_create(rows)
            chapters = Chapter.objects.bulk_create(
                [Chapter(document=d, number=1, title="总则") for d in documents]
            )
            Article.objects.bulk_create(
                [
                    Article(document=d, chapter=c, number=i, key=str(i), text=t)
                    for d, c, texts in zip(documents, chapters, bodies, strict=True)
                    for i, t in enumerate(texts, start=1)
                ]
            )
    started = time.perf_counter()
    with transaction.atomic():
        indexed = search_index.rebuild()
    return time.perf_counter() - started, chars if indexed == count else -1


def timed(function, arguments) -> list[float]:
    spent = []
    for argument in arguments:
        started = time.perf_counter()
        function(argument)
        spent.append((time.perf_counter() - started) * 1000)
    return spent


def summary(name: str, spent: list[float]) -> dict:
    ordered = sorted(spent)
    return {
        "operation": name,
        "n": len(spent),
        "p50_ms": statistics.median(ordered),
        "p95_ms": ordered[max(0, int(len(ordered) * 0.95) - 1)],
        "max_ms": ordered[-1],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=2000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--scan-queries", type=int, default=30)
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--seed", type=int, default=15)
    options = parser.parse_args()

    engine = set_up(options.database)
    seconds, chars = build(options.documents, options.seed)
    print(
        f"{engine}: {options.documents} documents, {chars / 1e6:.1f}M characters, indexed in {seconds:.1f} s "
        f"({options.documents / seconds:.0f} documents/s)"
    )

    from django.db.models import Q

    from qinqing.policy import search_index, selectors
    from qinqing.policy.models import PolicyDocument

    rng = random.Random(options.seed + 1)  # noqa: S311 (bench data)
    queries = []
    for _ in range(options.queries):
        roll = rng.random()
        if roll < 0.4:
            queries.append(rng.choice(MIDDLE))
        elif roll < 0.7:
            queries.append(rng.choice(RARE))
        elif roll < 0.9:
            queries.append(rng.choice(MIDDLE) + rng.choice(RARE))  # two words, both must occur
        else:
            queries.append(rng.choice(COMMON))
    ids = list(PolicyDocument.objects.values_list("pk", flat=True))
    found = [len(selectors.search(q)) for q in queries[:20]]  # warm up (jieba's dictionary, caches)

    def scan(query: str) -> list:
        condition = Q()
        for term in selectors.search_terms(query):
            condition &= Q(raw_text__icontains=term)
        return list(PolicyDocument.objects.filter(condition, is_current=True)[:50])

    rows = [
        summary("search (library page)", timed(selectors.search, queries)),
        summary(
            "index only (match)",
            timed(lambda q: search_index.match(selectors.search_terms(q), limit=50), queries),
        ),
        summary("scan (LIKE per word, before)", timed(scan, queries[: options.scan_queries])),
        summary(
            "trivial (title by id)",
            timed(
                lambda pk: PolicyDocument.objects.filter(pk=pk).values_list("title").first(),
                rng.choices(ids, k=300),
            ),
        ),
    ]
    print(f"{'operation':32} {'n':>5} {'p50 ms':>9} {'p95 ms':>9} {'max ms':>9}")
    for row in rows:
        print(
            f"{row['operation']:32} {row['n']:>5} {row['p50_ms']:>9.2f} {row['p95_ms']:>9.2f} "
            f"{row['max_ms']:>9.2f}"
        )
    search, index, scanned, trivial = rows
    print(
        f"search / trivial: p50 {search['p50_ms'] / trivial['p50_ms']:.0f}x; "
        f"scan / index only (documents found): p50 {scanned['p50_ms'] / index['p50_ms']:.1f}x, "
        f"p95 {scanned['p95_ms'] / index['p95_ms']:.1f}x; "
        f"results per query (first 20): median {statistics.median(found):.0f}, max {max(found)}"
    )
    if options.database == "postgres":
        from django.db import connections

        connections.close_all()
        import psycopg

        base = os.environ["DATABASE_URL"].rpartition("/")[0]
        with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
            connection.execute('DROP DATABASE IF EXISTS "qinqing_bench_policy"')


if __name__ == "__main__":
    main()
