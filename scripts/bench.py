"""Benchmark: build time, memory and page weight of synthetic knowledge bases (`make bench`).

For each size it writes a synthetic knowledge base to a temporary folder (realistic source
pages, registries and BibTeX entries, the real mkdocs.yml and hand-written pages) and measures,
each step in a fresh subprocess (peak memory of its process tree: scripts/measure_tree.py):

- the generation step alone (`python -m kb generate OUT`),
- the full `mkdocs build --strict` (hook + mkdocs-bibtex),
- the floor: a bare Material build (search plugin only) of the same composed pages,
- the PDF, with `--pdf`, when scripts/pdf.py exists.

At seed size (the real content) it also measures the rebuild time of `mkdocs serve` after one
source file changes, and the first-view transfer size of a source page. Results are printed,
written to OUT/bench.json and OUT/bench.md, and compared with the targets of issue 7.

    make bench                                  # 100 and 1,000 sources
    make bench ARGS="--sizes 100,1000,10000"    # or ARGS=--large
"""

from __future__ import annotations

import argparse
import compileall
import datetime as dt
import gzip
import io
import json
import os
import platform
import pstats
import queue
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path
from urllib.parse import urljoin, urlparse

import yaml
from bs4 import BeautifulSoup

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT / "scripts"))

from kb.check import CITATION_BLOCK  # noqa: E402

DEFAULT_SIZES = [100, 1000]
LARGE_SIZE = 10_000
#: The address the first-view measures give a built site, to resolve its relative links.
SITE_BASE = "http://site.invalid/"
FLOOR_LIMIT = 2  # the floor is stopped after this many times the full build: the build is then < 0.5× the floor
#: Folders of a knowledge base that the benchmark writes itself; everything else in the config
#: that names a project path (hooks, watched scripts, a CSL file...) points back at the project.
CONTENT_DIRS = {"docs", "data", "bib"}
#: Config keys whose paths are relative to docs/, not to the project.
DOCS_RELATIVE_KEYS = {"nav", "not_in_nav", "extra_css", "extra_javascript", "docs_dir", "site_dir"}
FONT_EXTENSIONS = (".woff2", ".woff", ".ttf", ".otf")
CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")


# --- Synthetic content ----------------------------------------------------------------------

SYLLABLES = [("Hye", "혜"), ("san", "산"), ("Mu", "무"), ("ryong", "령"), ("On", "온"), ("song", "성"),
             ("Sam", "삼"), ("su", "수"), ("Pung", "풍"), ("so", "서"), ("Kap", "갑"), ("Un", "운"),
             ("chong", "청"), ("jin", "진"), ("Sin", "신"), ("pa", "파"), ("Hu", "후"), ("chang", "창"),
             ("Tae", "대"), ("hong", "홍")]
PLACE_KINDS = [("county", "County", "군"), ("city", "City", "시"), ("district", "District", "구"), ("area", "area", "리")]
TOPIC_TITLES = ["Smuggling crackdowns", "Mobile phone detection", "Public trials", "Political prison camps",
                "Market controls", "Travel permits", "Border fences and mines", "Shoot-to-kill orders",
                "Foreign media crackdown", "Labour mobilization", "Quarantine at the border", "Informant networks",
                "Household registration", "Punishment of families", "Cross-border trade", "Remittances",
                "Detention centres", "Youth surveillance", "Religious persecution", "Food rations"]
ORG_NAMES = ["Provincial Security Bureau", "County Security Department", "Border Guard Brigade",
             "Inspection Group", "Non-Socialist Conduct Task Force", "Provincial Party Committee",
             "Youth League", "Women's Union", "Trade Bureau", "Prosecutors' Office"]
ORG_KINDS = ["state-security", "police", "military", "party", "mass-organization", "local-government"]
OUTLET_NAMES = ["Yalu Monitor", "Border Observer", "Tumen Report", "North Watch", "Peninsula Wire",
                "Frontier Times", "Hamgyong Letter", "Inside Korea"]
EVIDENCE = ["inside-informant", "defector-interviews", "ngo-report", "state-media", "official-statement", "rewrite"]
FIRST_NAMES = ["Ji-won", "Min-ho", "Seo-yeon", "Jae-sung", "Hye-jin", "Kwang-chol", "Mari", "Daniel", "Sarah", "Tae-hee"]
LAST_NAMES = ["Kim", "Lee", "Park", "Choi", "Jeong", "Kang", "Cho", "Yoon", "Jang", "Lim"]
CLAIM_WORDS = ["checkpoint", "arrest", "inspection", "crackdown", "patrol", "trial", "order", "lecture",
               "registration", "camera", "fence", "broker", "phone", "permit", "quarantine", "meeting"]
SENTENCES = [
    "According to a source in {place}, the {org} ordered people's group leaders to report every visitor within a day.",
    "{outlet} reported that residents of {place} who travelled without a permit were questioned for several days.",
    "The source said that patrols along the river near {place} had doubled since the start of the month.",
    "Officials of the {org} reportedly held a lecture warning that families of defectors would be sent to remote areas.",
    "A resident told the outlet that mobile phones bought from smugglers were now detected within minutes.",
    "Inspection teams went from house to house in {place} checking household registers against the list of residents.",
    "The report says that brokers who once moved people across the border now charge several times more than before.",
    "Two people caught near the river in {place} were handed to the {org} and have not been seen since.",
    "The outlet could not verify the account independently, but similar reports came from other districts.",
    "Local cadres were told that any unexplained absence from work must be reported to the {org} the same evening.",
    "Security cameras were installed at the entrances of apartment blocks and at the railway station in {place}.",
    "According to the source, people with relatives in China or South Korea were summoned for repeated interviews.",
    "Market traders in {place} said that the crackdown had cut cross-border trade to a fraction of its former volume.",
    "The {org} was said to have set up a temporary post on the road leading out of {place}.",
    "Residents described the new rules as stricter than anything they had known since the famine years.",
    "The account matches earlier reporting on the tightening of controls along the northern border.",
]


@dataclass(frozen=True)
class Registries:
    topics: list[dict]
    places: list[dict]
    organizations: list[dict]
    outlets: list[dict]


def synthesize(root: Path, sources: int, *, topics: int = 20, places: int = 200, organizations: int = 30,
               outlets: int = 10, seed: int = 7) -> list[str]:
    """Add `sources` synthetic source pages to a copy of the real content under `root`; return their slugs.

    The real sources, hand-written pages and registries are kept (hand-written pages link to
    and cite them); the registries are padded with synthetic entries up to the requested counts.
    """
    rng = random.Random(seed)
    copy_project_content(root)
    registries = _registries(topics, places, organizations, outlets)
    slugs = [_source_slug(i, registries.outlets) for i in range(sources)]
    for k, topic in enumerate(t for t in registries.topics if t["slug"].startswith("synthetic-")):
        topic["intro"] = topic["intro"].replace("[@placeholder]", f"[@{slugs[k % len(slugs)]}]")
    claims_of: dict[str, list[str]] = {}
    for i, slug in enumerate(slugs):
        front, body = _source(rng, i, slugs, registries, claims_of)
        claims_of[slug] = [c["id"] for c in front["claims"]]
        _write_source(root / "docs" / "sources" / f"{slug}.md", front, body)
        (root / "bib" / f"{slug}.bib").write_text(_bib_entry(slug, front, registries), encoding="utf-8")
    _use_every_topic(root, slugs, registries)
    for name in ("topics", "places", "organizations", "outlets"):
        _write_yaml(root / "data" / f"{name}.yml", getattr(registries, name))
    return slugs


def copy_project_content(root: Path) -> Path:
    """The real docs/, data/ and bib/ with the project's mkdocs.yml (project paths made absolute)."""
    for folder in CONTENT_DIRS:
        shutil.copytree(PROJECT / folder, root / folder, dirs_exist_ok=True)
    write_full_config(root)
    return root


def _registries(topics: int, places: int, organizations: int, outlets: int) -> Registries:
    real = {name: yaml.safe_load((PROJECT / "data" / f"{name}.yml").read_text(encoding="utf-8")) or []
            for name in ("topics", "places", "organizations", "outlets")}
    return Registries(
        topics=real["topics"] + [_topic(k) for k in range(topics - len(real["topics"]))],
        places=real["places"] + _places(places - len(real["places"])),
        organizations=real["organizations"] + [_organization(k) for k in range(organizations - len(real["organizations"]))],
        outlets=real["outlets"] + [_outlet(k) for k in range(outlets - len(real["outlets"]))],
    )


def _topic(k: int) -> dict:
    title = TOPIC_TITLES[k % len(TOPIC_TITLES)] + (f" ({k // len(TOPIC_TITLES) + 1})" if k >= len(TOPIC_TITLES) else "")
    return {"slug": f"synthetic-topic-{k + 1}", "title": title, "aliases": [title.lower()],
            "intro": f"Reporting on {title.lower()} in the border provinces [@placeholder].\n"}


def _places(count: int) -> list[dict]:
    provinces = [{"slug": f"synthetic-province-{p + 1}", "name": f"Synthetic Province {p + 1}",
                  "names": [f"Province {p + 1}", f"제{p + 1}도"], "kind": "province", "country": "north-korea"}
                 for p in range(min(10, count))]
    places = []
    for k in range(count - len(provinces)):
        (first, first_ko), (second, second_ko) = SYLLABLES[k // len(SYLLABLES) % len(SYLLABLES)], SYLLABLES[k % len(SYLLABLES)]
        kind, suffix, suffix_ko = PLACE_KINDS[k % len(PLACE_KINDS)]
        base = f"{first}{second.lower()}" + (f" {k // len(SYLLABLES) ** 2 + 1}" if k >= len(SYLLABLES) ** 2 else "")
        places.append({"slug": f"synthetic-place-{k + 1}", "name": f"{base} {suffix}",
                       "names": [base, f"{base}-{suffix.lower()}", f"{first_ko}{second_ko}{suffix_ko}"], "kind": kind,
                       "parent": provinces[k % len(provinces)]["slug"], "country": "north-korea",
                       "coords": [round(38.5 + (k * 0.37) % 4.2, 2), round(124.5 + (k * 0.53) % 5.5, 2)]})
    return provinces + places


def _organization(k: int) -> dict:
    name = f"{ORG_NAMES[k % len(ORG_NAMES)]} No. {k + 1}"
    return {"slug": f"synthetic-org-{k + 1}", "name": name, "names": [f"Unit {k + 1}"],
            "kind": ORG_KINDS[k % len(ORG_KINDS)], "country": "north-korea",
            "description": f"A synthetic organization standing for a local {ORG_KINDS[k % len(ORG_KINDS)].replace('-', ' ')} body."}


def _outlet(k: int) -> dict:
    return {"slug": f"synthetic-outlet-{k + 1}", "name": OUTLET_NAMES[k % len(OUTLET_NAMES)] + f" {k + 1}",
            "url": f"https://outlet-{k + 1}.example.org/", "description": "A synthetic outlet for the benchmark."}


def _source_slug(i: int, outlets: list[dict]) -> str:
    return f"{outlets[i % len(outlets)]['slug']}-{2015 + i % 11}-{i + 1:05d}"


def _source(rng: random.Random, i: int, slugs: list[str], reg: Registries, claims_of: dict[str, list[str]]) -> tuple[dict, str]:
    """Front matter (as a dict) and body of source number `i`: 3 topics, 2 places, 3 citations."""
    slug, outlet = slugs[i], reg.outlets[i % len(reg.outlets)]
    published = dt.date(2015 + i % 11, 1 + i % 12, 1 + i % 28)
    topics = [reg.topics[(3 * i + k) % len(reg.topics)]["slug"] for k in range(3)]
    places = rng.sample([p["slug"] for p in reg.places], 2)
    orgs = rng.sample([o["slug"] for o in reg.organizations], 2)
    names = {"place": _name_of(reg.places, places[0], "name"), "org": _name_of(reg.organizations, orgs[0], "name"),
             "outlet": outlet["name"]}
    evidence = EVIDENCE[i % len(EVIDENCE)]
    other = slugs[i - 1] if i else slugs[-1]
    front = {
        "title": _sentence(rng, names).rstrip(".")[:90],
        "outlet": outlet["slug"],
        "authors": [f"{rng.choice(LAST_NAMES)}, {rng.choice(FIRST_NAMES)}"] if i % 5 else [],
        "published": published.isoformat() if i % 7 else {"value": published.strftime("%Y-%m"), "precision": "month"},
        "url": f"https://outlet.example.org/{published.year}/{slug}",
        **({"archive_url": f"https://web.archive.org/web/2026/https://outlet.example.org/{slug}"} if i % 9
           else {"archive_missing": "The outlet blocks the archive's crawler."}),
        "accessed": dt.date(2026, 11, 24),
        "language": "ko" if i % 4 == 0 else "en",
        "bib": slug,
        "evidence": evidence,
        **({"derived_from": [other]} if evidence == "rewrite" and other != slug else {}),
        "claims": [_claim(rng, j, published, topics, places, orgs, names) for j in range(rng.randint(3, 10))],
    }
    if i % 4 == 1 and i and claims_of.get(other):
        front["claims"][0]["corroborates"] = [f"{other}#{claims_of[other][0]}"]
    return front, _body(rng, names, slug, other)


def _claim(rng: random.Random, j: int, published: dt.date, topics: list[str], places: list[str], orgs: list[str],
           names: dict) -> dict:
    claim = {"id": f"{CLAIM_WORDS[j % len(CLAIM_WORDS)]}-{j + 1}", "text": " ".join(_sentence(rng, names) for _ in range(2)),
             "quote": _sentence(rng, names)}
    event = published - dt.timedelta(days=rng.randint(0, 400))
    if j % 4 == 1:
        claim["date"] = event.isoformat()
    elif j % 4 == 2:
        claim["date"] = {"value": event.strftime("%Y-%m"), "precision": "month", "qualifier": "early",
                         "inferred": "Year from the publication date."}
    elif j % 4 == 3:
        claim["date"] = str(event.year)
    claim["topics"] = list(dict.fromkeys([topics[j % 3], topics[(j + 1) % 3]] if j % 2 else [topics[j % 3]]))
    claim["places"] = [places[j % 2]] + ([places[(j + 1) % 2]] if j % 3 == 0 else [])
    claim["organizations"] = orgs[: j % 3]
    return claim


def _name_of(registry: list[dict], slug: str, key: str) -> str:
    return next(entry[key] for entry in registry if entry["slug"] == slug)


def _sentence(rng: random.Random, names: dict) -> str:
    return rng.choice(SENTENCES).format(**names)


def _body(rng: random.Random, names: dict, own: str, other: str, paragraphs: int = 6, words: int = 100) -> str:
    """About 600 words in six paragraphs, with three [@key] citations and a Context section."""
    cited = {0: own, 2: other, 4: own}
    parts = []
    for p in range(paragraphs):
        text: list[str] = []
        while sum(len(s.split()) for s in text) < words:
            text.append(_sentence(rng, names))
        paragraph = " ".join(text)
        if p in cited:
            paragraph = paragraph[:-1] + f" [@{cited[p]}]."
        parts.append(("## Context\n\n" if p == paragraphs - 2 else "") + paragraph)
    return "\n\n".join(parts) + "\n"


def _write_source(path: Path, front: dict, body: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\n{yaml.safe_dump(front, allow_unicode=True, sort_keys=False, width=100)}---\n\n{body}", encoding="utf-8")


def _bib_entry(slug: str, front: dict, reg: Registries) -> str:
    published = front["published"] if isinstance(front["published"], str) else front["published"]["value"]
    author = " and ".join(front["authors"]) or "{" + _name_of(reg.outlets, front["outlet"], "name") + "}"
    return (f"@misc{{{slug},\n  author       = {{{author}}},\n  title        = {{{{{front['title']}}}}},\n"
            f"  howpublished = {{{_name_of(reg.outlets, front['outlet'], 'name')}}},\n  year         = {{{published[:4]}}},\n"
            f"  url          = {{{front['url']}}},\n  urldate      = {{2026-11-24}}\n}}\n")


def _use_every_topic(root: Path, slugs: list[str], reg: Registries) -> None:
    """With few sources, some topics would have no claim (a warning, which fails --strict):
    give each unused topic to a claim of some source."""
    used = {t for slug in slugs for c in _front_matter(root, slug)["claims"] for t in c["topics"]}
    for k, topic in enumerate(t["slug"] for t in reg.topics if t["slug"] not in used):
        slug = slugs[k % len(slugs)]
        path = root / "docs" / "sources" / f"{slug}.md"
        front, body = _front_matter(root, slug), path.read_text(encoding="utf-8").split("\n---\n", 1)[1]
        front["claims"][0]["topics"].append(topic)
        path.write_text(f"---\n{yaml.safe_dump(front, allow_unicode=True, sort_keys=False, width=100)}---\n{body}", encoding="utf-8")


def _front_matter(root: Path, slug: str) -> dict:
    text = (root / "docs" / "sources" / f"{slug}.md").read_text(encoding="utf-8")
    return yaml.safe_load(text.split("\n---\n", 1)[0].removeprefix("---\n"))


def _write_yaml(path: Path, data: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100), encoding="utf-8")


# --- Configurations -------------------------------------------------------------------------


def _project_config() -> dict:
    from mkdocs.utils.yaml import yaml_load  # resolves !ENV and python tags as mkdocs does

    with open(PROJECT / "mkdocs.yml", encoding="utf-8") as file:
        return yaml_load(file)


def _absolutize(value: object, root: Path) -> object:
    """Point relative paths at the project, except those the benchmark writes (docs, data, bib)."""
    if isinstance(value, dict):
        return {k: v if k in DOCS_RELATIVE_KEYS else _absolutize(v, root) for k, v in value.items()}
    if isinstance(value, list):
        return [_absolutize(item, root) for item in value]
    if isinstance(value, str) and "\n" not in value and len(value) < 200 and not os.path.isabs(value):
        first = Path(value).parts[0] if Path(value).parts else ""
        if first not in CONTENT_DIRS and (PROJECT / value).exists() and not (root / value).exists():
            return str(PROJECT / value)
    return value


def write_full_config(root: Path) -> Path:
    """The project's mkdocs.yml, its hook and other project paths made absolute."""
    config = _absolutize(_project_config(), root)
    return _dump_config(root / "mkdocs.yml", config)


def write_floor(root: Path, generated: Path, floor: Path) -> Path:
    """A bare Material project with the same pages: search plugin only, no hook, no bibtex,
    the composed Markdown from `kb generate` as plain files, citations removed."""
    shutil.copytree(root / "docs", floor / "docs", ignore=shutil.ignore_patterns("sources"))
    shutil.copytree(generated, floor / "docs", dirs_exist_ok=True, ignore=shutil.ignore_patterns(".kb-generated"))
    for page in (floor / "docs").rglob("*.md"):
        page.write_text(CITATION_BLOCK.sub("", page.read_text(encoding="utf-8")), encoding="utf-8")
    config = _absolutize(_project_config(), floor)
    config.pop("hooks", None)
    config.pop("watch", None)
    config["plugins"] = [p for p in config.get("plugins", []) if p == "search" or (isinstance(p, dict) and "search" in p)]
    # The hook's downloads (files that are not Markdown pages) are not in `kb generate`'s output:
    # links to them are the only dangling ones; every other warning still fails the strict build.
    config["validation"] = {**config.get("validation", {}), "not_found": "info"}
    return _dump_config(floor / "mkdocs.yml", config)


def _dump_config(path: Path, config: dict) -> Path:
    path.write_text(yaml.dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


# --- Measuring ------------------------------------------------------------------------------


@dataclass
class Run:
    seconds: float
    cpu_seconds: float  # user + system: less disturbed than wall time by other work on the machine
    peak_mb: float
    returncode: int
    output: str = field(default="", repr=False)
    stopped: bool = False  # killed at its time limit: `seconds` is a lower bound
    largest_mb: float = 0  # the largest resident size of any one process of the command's tree
    tree_mb: float = 0  # the largest sampled total (PSS) of the tree's processes at once

    def __str__(self) -> str:
        return f"> {self.seconds}" if self.stopped else f"{self.seconds}"


def compile_project_code() -> None:
    """Compile the project's Python files once, before anything is timed, as the first run on
    any machine does (pip compiles the installed packages' at install): where
    PYTHONDONTWRITEBYTECODE is set (this project's machines set it), every step would otherwise
    compile the hooks and `scripts/kb/` again, 40-50 ms of each, which no user's second build pays."""
    compileall.compile_dir(PROJECT / "scripts", quiet=1)


def bench_env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(PROJECT / "scripts"), "NO_MKDOCS_2_WARNING": "1"}


def measure(command: list[str], cwd: Path, limit: float | None = None) -> Run:
    """Wall time, CPU time and peak memory of one command in a fresh process.

    The peak is that of the command's own process tree (the generation's second process,
    chromium's, pandoc's included), reported by a small Python process that starts it
    (scripts/measure_tree.py), so that the benchmark's own memory does not count: the larger of
    the largest single process and the largest sampled total of the tree. With `limit`
    (seconds), the command is stopped then and the run marked `stopped`.
    """
    with tempfile.TemporaryFile() as log, tempfile.NamedTemporaryFile("r") as report:
        process = subprocess.Popen([sys.executable, str(PROJECT / "scripts" / "measure_tree.py"), report.name, str(limit or 0), *command],
                                   cwd=cwd, env=bench_env(), stdout=log, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
        log.seek(0)
        output = log.read().decode("utf-8", "replace")
        # The wall time is the command's own, timed by measure_tree (its own start is not counted).
        largest, stopped, tree, seconds = report.read().split()
        largest_kib, stopped, tree_kib = int(largest), int(stopped), int(tree)
    cpu = usage.ru_utime + usage.ru_stime  # the command's and the small process's: a few hundredths of a second
    return Run(round(float(seconds), 2), round(cpu, 2), round(max(largest_kib, tree_kib) / 1024, 1), os.waitstatus_to_exitcode(status),
               output, bool(stopped), largest_mb=round(largest_kib / 1024, 1), tree_mb=round(tree_kib / 1024, 1))


def site_build(config: Path, site: Path) -> list[str]:
    return [sys.executable, "-m", "properdocs", "build", "--strict", "-f", str(config), "-d", str(site)]


def generate_command(root: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "kb", "--root", str(root), "generate", str(out)]


def folder_bytes(folder: Path) -> int:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())


def gzipped_bytes(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6))


@dataclass
class SizeResult:
    sources: int
    generate: Run
    build: Run
    floor: Run
    pages: int
    site_bytes: int
    search_index_bytes: int
    search_index_gzip_bytes: int
    source_html_bytes: int  # average per source page
    largest_page: dict[str, int]  # the largest HTML page: {"path": ..., "bytes": ..., "gzip_bytes": ...}
    first_view: dict[str, int]  # of the first synthetic source page: path -> gzipped bytes
    first_search: dict[str, int]  # what its first search adds: path -> gzipped bytes
    pdf: Run | None = None
    pdf_bytes: int = 0
    pdf_pages: int = 0

    @property
    def seconds_per_page(self) -> float:
        return self.build.seconds / self.pages


def _best(runs: list[Run], command: list[str]) -> Run:
    """The fastest run; a run stopped at its time limit if there is one (its time is a lower bound)."""
    if any(r.stopped for r in runs):
        return next(r for r in runs if r.stopped)
    failed = [r for r in runs if r.returncode]
    if failed:
        raise SystemExit(f"failed: {' '.join(command)}\n{failed[0].output[-3000:]}")
    return min(runs, key=lambda r: r.seconds)


def measure_size(sources: int, work: Path, repeat: int, pdf: bool) -> SizeResult:
    root = work / f"kb-{sources}"
    print(f"[{sources}] writing the synthetic knowledge base to {root}", flush=True)
    slugs = synthesize(root, sources)
    generated = work / f"generated-{sources}"
    site, floor_root = root / "site", work / f"floor-{sources}"
    generate_run, build_run = generate_command(root, generated), site_build(root / "mkdocs.yml", site)
    floor_run: list[str] = []
    runs: dict[str, list[Run]] = {"generate": [], "build": [], "floor": []}
    # One round is the generation, the full build and the floor, one after the other: the machine
    # is shared, and its speed drifts by a third within an hour, so the three are compared within
    # a round rather than minutes apart. The best of each is kept.
    for round_ in range(1, repeat + 1):
        print(f"[{sources}] round {round_} of {repeat}: generation step", flush=True)
        # Into a new folder each round, as `mkdocs build` empties site/ first: rewriting files
        # that exist costs less than making them (0.02 s of 0.7 at 100 sources, on this machine).
        shutil.rmtree(generated, ignore_errors=True)
        runs["generate"].append(measure(generate_run, root))
        print(f"[{sources}] full strict build ({runs['generate'][-1]} s generation)", flush=True)
        runs["build"].append(measure(build_run, root))
        floor_run = floor_run or site_build(write_floor(root, generated, floor_root), floor_root / "site")
        if not any(r.stopped for r in runs["floor"]):
            # The floor's list pages hold every claim as Markdown: beyond 1,000 sources it grows faster
            # than linearly (10,000 sources: not done after 23 CPU minutes), so it gets a time limit.
            print(f"[{sources}] floor build ({runs['build'][-1]} s full)", flush=True)
            runs["floor"].append(measure(floor_run, floor_root, limit=FLOOR_LIMIT * min(r.seconds for r in runs["build"])))
            print(f"[{sources}] floor {runs['floor'][-1]} s", flush=True)
    generate, build, floor = _best(runs["generate"], generate_run), _best(runs["build"], build_run), _best(runs["floor"], floor_run)
    index = site / "search" / "search_index.json"
    result = SizeResult(
        sources=sources, generate=generate, build=build, floor=floor,
        pages=sum(1 for _ in site.rglob("*.html")) - int((site / "404.html").exists()),
        site_bytes=folder_bytes(site), search_index_bytes=index.stat().st_size,
        search_index_gzip_bytes=gzipped_bytes(index.read_bytes()),
        source_html_bytes=round(sum((site / "sources" / s / "index.html").stat().st_size for s in slugs) / len(slugs)),
        largest_page=largest_page(site),
        first_view=first_view(site, site / "sources" / slugs[0] / "index.html"),
        first_search=first_search(site, site / "sources" / slugs[0] / "index.html"),
    )
    if pdf and (PROJECT / "scripts" / "pdf.py").exists():
        print(f"[{sources}] PDF", flush=True)
        # The site was just built: time the PDF alone (joining, printing, merging).
        pdf_file = work / f"kb-{sources}.pdf"
        result.pdf = measure([sys.executable, str(PROJECT / "scripts" / "pdf.py"), "--no-build", "--site-dir", str(site),
                              "--out", str(pdf_file)], root)
        if result.pdf.returncode == 0:
            import pikepdf  # installed with the project (pdf.py merges with it)

            with pikepdf.open(pdf_file) as document:
                result.pdf_bytes, result.pdf_pages = pdf_file.stat().st_size, len(document.pages)
    return result


def profile(step: str, module_args: list[str], cwd: Path, out: Path) -> str:
    """cProfile of one step (`python -m <module_args>`) in a subprocess; the top functions as text,
    also written to OUT/profile-<step>.txt (and the raw .prof beside it, for snakeviz and the like)."""
    out.mkdir(parents=True, exist_ok=True)
    raw = out / f"profile-{step}.prof"
    run = measure([sys.executable, "-m", "cProfile", "-o", str(raw), "-m", *module_args], cwd)
    if run.returncode:
        return f"profiling {step} failed:\n{run.output[-2000:]}"
    text = io.StringIO()
    stats = pstats.Stats(str(raw), stream=text).sort_stats("cumulative")
    stats.print_stats(r"scripts/|mkdocs_bibtex|material|bs4|yaml|jinja2|pydantic", 30)
    stats.sort_stats("tottime").print_stats(15)
    summary = re.sub(r"\n{3,}", "\n\n", text.getvalue().replace(str(PROJECT) + "/", ""))
    (out / f"profile-{step}.txt").write_text(summary, encoding="utf-8")
    return summary


def profile_size(sources: int, work: Path, out: Path) -> str:
    """Profiles of the generation step and of the full build at one size."""
    root = work / f"kb-{sources}"
    generation = profile(f"generate-{sources}", ["kb", "--root", str(root), "generate", str(work / "profiled")], root, out)
    build = profile(f"build-{sources}", ["properdocs", "build", "--strict", "-f", str(root / "mkdocs.yml"), "-d", str(work / "profiled-site")],
                    root, out)
    return f"## generation step, {sources:,} sources\n{generation}\n## full build, {sources:,} sources\n{build}"


# --- Seed size: serve rebuild and first view ------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ServeLog:
    """`mkdocs serve` in the background; its log lines with the time each was read."""

    def __init__(self, root: Path):
        self.lines: queue.Queue[tuple[float, str]] = queue.Queue()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "properdocs", "serve", "-f", str(root / "mkdocs.yml"), "--dev-addr", f"127.0.0.1:{free_port()}"],
            cwd=root, env=bench_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.put((time.perf_counter(), line.rstrip()))

    def wait_for(self, text: str, timeout: float = 120) -> tuple[float, list[str]]:
        """Time at which a line containing `text` appeared, and the lines read until then."""
        seen, deadline = [], time.perf_counter() + timeout
        while True:
            try:
                when, line = self.lines.get(timeout=max(0.0, deadline - time.perf_counter()))
            except queue.Empty:
                raise SystemExit(f"mkdocs serve: no '{text}' within {timeout} s:\n" + "\n".join(seen)) from None
            seen.append(line)
            if text in line:
                return when, seen

    def stop(self) -> None:
        """Ctrl-C, as a contributor stops it: the build's scratch folder is removed at exit
        (SIGTERM would skip that and leave it in /tmp)."""
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=30)


@dataclass
class SeedResult:
    sources: int
    build: Run
    serve_first_build_s: float
    serve_rebuild_s: list[float]
    serve_rebuild_reported_s: list[float]
    first_view_page: str
    first_view: dict[str, int]  # path -> gzipped bytes
    first_search: dict[str, int]  # path -> gzipped bytes

    @property
    def serve_rebuild_median_s(self) -> float:
        return sorted(self.serve_rebuild_s)[len(self.serve_rebuild_s) // 2]

    @property
    def first_view_bytes(self) -> int:
        return sum(self.first_view.values())


def measure_serve(root: Path, changes: int = 3) -> tuple[float, list[float], list[float]]:
    """Seconds from a change to a source file until `mkdocs serve` says "Reloading browsers"."""
    source = sorted((root / "docs" / "sources").glob("*.md"))[0]
    original = source.read_text(encoding="utf-8")
    serve = ServeLog(root)
    try:
        start = time.perf_counter()
        ready, _ = serve.wait_for("Serving on")
        waits, reported = [], []
        for n in range(changes):
            time.sleep(1.0)  # let the watcher settle
            changed_at = time.perf_counter()
            source.write_text(original + f"\nAn edit made by the benchmark ({n + 1}).\n", encoding="utf-8")
            done, lines = serve.wait_for("Reloading browsers")
            waits.append(round(done - changed_at, 2))
            reported += [float(m.group(1)) for line in lines if (m := re.search(r"Documentation built in ([\d.]+) seconds", line))]
        return round(ready - start, 2), waits, reported
    finally:
        serve.stop()
        source.write_text(original, encoding="utf-8")


def largest_page(site: Path) -> dict:
    """The largest HTML page: list pages (timeline, topics) hold every claim they list and grow
    with the site, unlike source pages."""
    page = max(site.rglob("*.html"), key=lambda p: p.stat().st_size)
    data = page.read_bytes()
    return {"path": str(page.relative_to(site)), "bytes": len(data), "gzip_bytes": gzipped_bytes(data)}


def first_view(site: Path, page: Path) -> dict[str, int]:
    """Gzipped bytes of what a browser fetches to show a page: the HTML, the stylesheets, scripts,
    icons and fonts it references, and Material's search worker, which starts with every page.
    The search index and lunr's language files wait until the reader starts to search
    (docs/assets/search-on-demand.js; tests/browser/test_search.py checks both in chromium)."""
    base = SITE_BASE
    page_url = urljoin(base, page.relative_to(site).as_posix())
    soup = BeautifulSoup(page.read_bytes(), "lxml")
    urls = [tag["href"] for tag in soup.select('link[rel~="stylesheet"][href], link[rel~="preload"][href], link[rel~="icon"][href]')]
    urls += [tag["src"] for tag in soup.select("script[src]")]
    config = _material_config(soup)
    if config.get("search"):
        urls.append(config["search"])
    sizes = {page.relative_to(site).as_posix(): gzipped_bytes(page.read_bytes())}
    for ref in urls:
        target = _local_file(site, base, urljoin(page_url, ref))
        if target is None or target.relative_to(site).as_posix() in sizes:
            continue
        sizes[target.relative_to(site).as_posix()] = gzipped_bytes(target.read_bytes())
        if target.suffix == ".css":
            sizes.update(_fonts_of_stylesheet(site, base, urljoin(base, target.relative_to(site).as_posix()), target, sizes))
    return sizes


def first_search(site: Path, page: Path) -> dict[str, int]:
    """Gzipped bytes the first search from a page adds: the index, and lunr's files for each
    language other than English (plus lunr.multi when there are several), which the worker loads with it."""
    base = SITE_BASE
    config = _material_config(BeautifulSoup(page.read_bytes(), "lxml"))
    if not config.get("search"):
        return {}
    worker_url = urljoin(urljoin(base, page.relative_to(site).as_posix()), config["search"])
    index = site / "search" / "search_index.json"
    languages = json.loads(index.read_text(encoding="utf-8")).get("config", {}).get("lang", ["en"])
    others = [lang for lang in languages if lang != "en"]
    lunr = ["stemmer.support", *others, *(["multi"] if len(languages) > 1 else [])] if others else []
    urls = [urljoin(base, "search/search_index.json")] + [urljoin(worker_url, f"../lunr/min/lunr.{name}.min.js") for name in lunr]
    files = [_local_file(site, base, url) for url in urls]
    return {f.relative_to(site).as_posix(): gzipped_bytes(f.read_bytes()) for f in files if f is not None}


def _material_config(soup: BeautifulSoup) -> dict:
    tag = soup.select_one("script#__config")
    return json.loads(tag.string) if tag is not None else {}


def _local_file(site: Path, base: str, url: str) -> Path | None:
    """The file in site/ that a same-site URL points at (external URLs are reported as missing)."""
    if not url.startswith(base):
        raise SystemExit(f"first view: the page loads an external resource: {url}")
    target = site / urlparse(url).path.removeprefix(urlparse(base).path)
    return target if target.is_file() else None


def _fonts_of_stylesheet(site: Path, base: str, css_url: str, css: Path, known: dict) -> dict[str, int]:
    fonts = {}
    for ref in CSS_URL.findall(css.read_text(encoding="utf-8", errors="replace")):
        if ref.startswith("data:") or not urlparse(ref).path.endswith(FONT_EXTENSIONS):
            continue
        target = _local_file(site, base, urljoin(css_url, ref))
        if target is not None and target.relative_to(site).as_posix() not in known:
            fonts[target.relative_to(site).as_posix()] = gzipped_bytes(target.read_bytes())
    return fonts


def measure_seed(work: Path) -> SeedResult:
    root = copy_project_content(work / "seed")
    print("[seed] strict build", flush=True)
    command = site_build(root / "mkdocs.yml", root / "site")
    build = _best([measure(command, root)], command)
    slug = sorted(p.stem for p in (root / "docs" / "sources").glob("*.md") if p.name != "index.md")[0]
    page = root / "site" / "sources" / slug / "index.html"
    view, search = first_view(root / "site", page), first_search(root / "site", page)
    print("[seed] mkdocs serve rebuilds", flush=True)
    first_build, rebuilds, reported = measure_serve(root)
    return SeedResult(
        sources=sum(1 for p in (root / "docs" / "sources").glob("*.md") if p.name != "index.md"), build=build,
        serve_first_build_s=first_build, serve_rebuild_s=rebuilds, serve_rebuild_reported_s=reported,
        first_view_page=f"sources/{slug}/", first_view=view, first_search=search,
    )


# --- Targets and reports --------------------------------------------------------------------


@dataclass
class Verdict:
    target: str
    measured: str
    passed: bool


def verdicts(sizes: list[SizeResult], seed: SeedResult | None) -> list[Verdict]:
    found = []
    for r in sizes:
        ratio = r.build.seconds / r.floor.seconds
        found.append(Verdict(f"{r.sources:,} sources: build ≤ 2× floor", f"{'< ' if r.floor.stopped else ''}{ratio:.2f}× "
                             f"({r.build.seconds} s / {r.floor} s)", ratio <= 2))
        share = r.generate.seconds / r.build.seconds
        found.append(Verdict(f"{r.sources:,} sources: generation ≤ 10 % of build", f"{share:.1%} ({r.generate.seconds} s)", share <= 0.10))
        peak = max(r.generate.peak_mb, r.build.peak_mb)
        found.append(Verdict(f"{r.sources:,} sources: peak memory ≤ 1 GB", f"{peak:,.0f} MB", peak <= 1024))
        if r.sources == 1000:
            found.append(Verdict("1,000 sources: build ≤ 30 s", f"{r.build.seconds} s", r.build.seconds <= 30))
            if r.pdf:
                found.append(Verdict("1,000 sources: PDF ≤ 3 min", f"{r.pdf.seconds} s", r.pdf.returncode == 0 and r.pdf.seconds <= 180))
    for small, large in zip(sizes, sizes[1:]):
        growth, allowed = large.build.seconds / small.build.seconds, 1.1 * large.sources / small.sources
        found.append(Verdict(f"{small.sources:,} → {large.sources:,} sources: time ≤ {allowed:.0f}×", f"{growth:.1f}×", growth <= allowed))
    if len(sizes) > 1:
        html = [r.source_html_bytes for r in sizes]
        spread = max(html) / min(html)
        found.append(Verdict("source page HTML independent of size (±10 %)", " / ".join(f"{b / 1000:.1f} KB" for b in html), spread <= 1.10))
    if seed:
        found.append(Verdict("seed: serve rebuild ≤ 2 s", f"{seed.serve_rebuild_median_s} s (median of {len(seed.serve_rebuild_s)})", seed.serve_rebuild_median_s <= 2))
    for name, view in [("seed", seed.first_view if seed else None)] + [(f"{r.sources:,} sources", r.first_view) for r in sizes]:
        if view is not None:
            total = sum(view.values())
            found.append(Verdict(f"{name}: source page first view ≤ 150 KB gzipped", f"{total / 1000:,.1f} KB", total <= 150_000))
    return found


def machine() -> dict[str, str]:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() else platform.processor()
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024 ** 3
    versions = {name: metadata.version(name) for name in ("properdocs", "mkdocs-material", "mkdocs-bibtex", "pymdown-extensions")}
    return {"date": dt.datetime.now().isoformat(timespec="minutes"), "cpu": cpu,
            "load_average": " ".join(f"{x:.2f}" for x in os.getloadavg()), "cores": str(os.cpu_count()),
            "memory": f"{memory:.0f} GB", "python": platform.python_version(), "system": platform.platform(), **versions}


def size_rows(sizes: list[SizeResult]) -> list[list[str]]:
    header = ["sources", "pages", "generate s", "generate MB", "build s", "build CPU s", "build MB", "floor s", "floor CPU s", "floor MB",
              "s/page",
              "site MB", "search index KB (gz)", "HTML/source KB", "largest page KB (gz)", "first view KB (gz)", "first search KB (gz)", "PDF s", "PDF MB", "PDF pages"]
    rows = [header]
    for r in sizes:
        rows.append([f"{r.sources:,}", f"{r.pages:,}", f"{r.generate.seconds}", f"{r.generate.peak_mb:.0f}", f"{r.build.seconds}", f"{r.build.cpu_seconds}",
                     f"{r.build.peak_mb:.0f}", f"{r.floor}", f"{r.floor.cpu_seconds}", f"{r.floor.peak_mb:.0f}", f"{r.seconds_per_page:.4f}",
                     f"{r.site_bytes / 1e6:.1f}", f"{r.search_index_bytes / 1000:,.0f} ({r.search_index_gzip_bytes / 1000:,.0f})",
                     f"{r.source_html_bytes / 1000:.1f}",
                     f"{r.largest_page['bytes'] / 1000:,.0f} ({r.largest_page['gzip_bytes'] / 1000:,.0f}) {r.largest_page['path']}",
                     f"{sum(r.first_view.values()) / 1000:,.0f}",
                     f"{sum(r.first_search.values()) / 1000:,.0f}",
                     f"{r.pdf.seconds}" if r.pdf else "–",
                     f"{r.pdf_bytes / 1e6:.1f}" if r.pdf_bytes else "–", f"{r.pdf_pages:,}" if r.pdf_pages else "–"])
    return rows


def markdown_table(rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * len(rows[0])]
    return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows[1:]])


def text_table(rows: list[list[str]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(cell.rjust(w) for cell, w in zip(row, widths)) for row in rows)


def seed_lines(seed: SeedResult) -> list[str]:
    return [
        f"Seed ({seed.sources} real sources): strict build {seed.build.seconds} s, {seed.build.peak_mb:.0f} MB peak.",
        f"`mkdocs serve`: first build {seed.serve_first_build_s} s; rebuild after a source change "
        f"{', '.join(map(str, seed.serve_rebuild_s))} s (build itself {', '.join(map(str, seed.serve_rebuild_reported_s))} s).",
        f"First view of `{seed.first_view_page}`: {seed.first_view_bytes / 1000:.1f} KB gzipped: "
        + ", ".join(f"{Path(u).name} {b / 1000:.1f}" for u, b in seed.first_view.items()) + "; "
        f"its first search adds {sum(seed.first_search.values()) / 1000:.1f} KB: "
        + ", ".join(f"{Path(u).name} {b / 1000:.1f}" for u, b in seed.first_search.items()) + ".",
    ]


def report(sizes: list[SizeResult], seed: SeedResult | None, checks: list[Verdict], info: dict, out: Path) -> str:
    verdict_rows = [["target", "measured", ""]] + [[v.target, v.measured, "PASS" if v.passed else "MISS"] for v in checks]
    lines = [f"# Benchmark, {info['date']}", "",
             f"Machine: {info['cpu']}, {info['cores']} cores, {info['memory']}; Python {info['python']}; "
             f"load average at the end {info['load_average']} (other work on the machine inflates wall times; CPU times less so); "
             f"ProperDocs {info['properdocs']}, Material {info['mkdocs-material']}, mkdocs-bibtex {info['mkdocs-bibtex']}.", "",
             "*sources*: synthetic sources of ~600 words (3–10 claims, 3 citations, 3 topics, 2 places each), added to a copy "
             "of the real content (its sources, hand-written pages and registries, padded to 20 topics and 200 places). "
             "*floor*: a bare Material build (search only, no hook, no bibtex) of the same pages. "
             "Peak memory is that of the step's process tree: the larger of the largest resident set of any one process and the largest total (PSS, sampled every 0.1 s, less often when a sample costs more than 2 % of a core) of its processes at once (the generation's second process included).", ""]
    if sizes:
        lines += [markdown_table(size_rows(sizes)), ""]
    if seed:
        lines += [*seed_lines(seed), ""]
    lines += [markdown_table(verdict_rows), ""]
    markdown = "\n".join(lines)
    out.mkdir(parents=True, exist_ok=True)
    (out / "bench.md").write_text(markdown, encoding="utf-8")
    data = {"machine": info, "sizes": [_as_dict(r) for r in sizes], "seed": _as_dict(seed) if seed else None,
            "targets": [asdict(v) for v in checks]}
    (out / "bench.json").write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    return text_table(size_rows(sizes)) if sizes else ""


def _as_dict(result: SizeResult | SeedResult) -> dict:
    data = asdict(result)
    for run in ("generate", "build", "floor", "pdf"):
        if isinstance(data.get(run), dict):
            data[run].pop("output", None)
    extras = ("seconds_per_page",) if isinstance(result, SizeResult) else ("serve_rebuild_median_s", "first_view_bytes")
    return data | {name: getattr(result, name) for name in extras}


# --- Command line ---------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)), help="numbers of sources, comma-separated")
    parser.add_argument("--large", action="store_true", help=f"add {LARGE_SIZE:,} sources (many minutes)")
    parser.add_argument("--pdf", action="store_true", help="also time the PDF (scripts/pdf.py)")
    parser.add_argument("--no-seed", action="store_true", help="skip the serve-rebuild and first-view measures")
    parser.add_argument("--repeat", type=int, default=1, help="runs per step; the fastest counts")
    profiling = parser.add_mutually_exclusive_group()
    profiling.add_argument("--profile", action="store_true", help="profile generation and build at the largest size even if every target is met")
    profiling.add_argument("--no-profile", action="store_true", help="do not profile, even if a target is missed (at 10,000 sources: about 20 minutes)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary knowledge bases and sites")
    parser.add_argument("--out", type=Path, default=PROJECT / "bench-results")
    args = parser.parse_args(argv)
    # Started in the background (`&` in a script, nohup), the bench and the `mkdocs serve` it starts
    # would ignore SIGINT, with which it stops serve so that serve removes its scratch folder.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    args.out = args.out.resolve()  # the profiled steps run in other folders
    sizes = sorted({int(s) for s in args.sizes.split(",") if s.strip()} | ({LARGE_SIZE} if args.large else set()))

    compile_project_code()
    work = Path(tempfile.mkdtemp(prefix="kb-bench-"))
    try:
        results = []
        for n in sizes:
            results.append(measure_size(n, work, args.repeat, args.pdf))
            print(text_table(size_rows(results)), flush=True)
        seed = None if args.no_seed else measure_seed(work)
        checks = verdicts(results, seed)
        table = report(results, seed, checks, machine(), args.out)
        print("\n" + table)
        if seed:
            print("\n".join(seed_lines(seed)))
        print()
        for v in checks:
            print(f"{'PASS' if v.passed else 'MISS'}  {v.target}: {v.measured}")
        if results and not args.no_profile and (args.profile or not all(v.passed for v in checks)):
            largest = results[-1].sources
            print(f"\nProfiles at {largest:,} sources (a target was missed); full text in {args.out}/profile-*.txt")
            print(profile_size(largest, work, args.out))
        print(f"\nWritten: {args.out / 'bench.md'}, {args.out / 'bench.json'}")
        return 0
    finally:
        if args.keep:
            print(f"Kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
