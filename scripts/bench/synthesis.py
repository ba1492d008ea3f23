"""Synthetic knowledge bases: realistic source pages, registries and BibTeX entries added to a copy
of the real content (`synthesize`). Deterministic: the same arguments write the same bytes.

    from bench.synthesis import synthesize
    slugs = synthesize(root, 300, places=30, organizations=12, outlets=6)
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
from dataclasses import dataclass
from pathlib import Path

import yaml

from bench.configs import write_full_config
from bench.project import CONTENT_DIRS, PROJECT
from bench.vocabulary import (CLAIM_WORDS, EVIDENCE, FIRST_NAMES, LAST_NAMES, ORG_KINDS, ORG_NAMES, OUTLET_NAMES, PLACE_KINDS,
                              SENTENCES, SYLLABLES, TOPIC_TITLES)


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
