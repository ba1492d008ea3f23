"""`make offline`: the site built for reading from disk (file://), zipped to site/<name>-offline.zip.

Material's `offline` plugin does the work (no directory URLs, the search index inlined as a script),
enabled for this build only. The plugin would add a script from a CDN (`iframe-worker/shim`) that
search needs on file://; the vendored copy in docs/assets/vendor/iframe-worker/ is listed under
`extra.polyfills` instead, which the plugin keeps, so that no page asks another host for anything.

When mkdocs.yml lists `- offline: {enabled: !ENV [OFFLINE, false]}` this script only sets OFFLINE=true;
until then it adds the plugin to the loaded configuration itself. The configuration is changed in
memory, not through a derived file in build/: the project's hook reads the knowledge base from the
folder of the configuration file, so a config file elsewhere would not find docs/ or data/.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
import zipfile
from pathlib import Path
from urllib.parse import urlsplit

from build_site import replaced_on_success  # scripts/build_site.py, beside this file
from pdf import default_root, project_name  # scripts/pdf.py, beside this file

ROOT = Path(__file__).resolve().parent.parent
SHIM = "assets/vendor/iframe-worker/shim.js"  # iframe-worker@1.0.4, MIT (see its README.txt)
# <link rel=...> values that make the browser fetch something.
LOADING_LINK_RELS = {"stylesheet", "icon", "preload", "modulepreload", "prefetch", "preconnect", "dns-prefetch", "manifest"}


def offline_config(config_file: Path, site_dir: Path):
    """mkdocs.yml, loaded as `mkdocs build --strict` would, with the offline plugin on and the shim local."""
    os.environ["OFFLINE"] = "true"
    import properdocs.replacement  # noqa: F401 - first: the theme's and plugins' `mkdocs.*` imports then load ProperDocs
    from material.plugins.offline.plugin import OfflinePlugin
    from mkdocs.config import load_config

    config = load_config(str(config_file), site_dir=str(site_dir), strict=True)
    polyfills = config.extra.setdefault("polyfills", [])
    if not any("iframe-worker" in str(script) for script in polyfills):
        polyfills.append(SHIM)  # the plugin adds its CDN copy only when none is listed
    if not any(isinstance(plugin, OfflinePlugin) for plugin in config.plugins.values()):
        plugin = OfflinePlugin()
        errors, warnings = plugin.load_config({"enabled": True})
        assert not errors and not warnings, (errors, warnings)
        config.plugins["material/offline"] = plugin
    return config


def build_offline_site(config_file: Path, site_dir: Path) -> None:
    from mkdocs.commands.build import build
    from mkdocs.exceptions import Abort

    logging.basicConfig(level=logging.INFO, format="%(levelname)-7s -  %(message)s")
    config = offline_config(config_file, site_dir)
    try:
        build(config)
    except Abort as abort:
        raise SystemExit(f"the offline build failed in strict mode: {abort}") from None


def relax_script_policy(site_dir: Path) -> int:
    """Let the search worker shim run on file://: its iframe's inline script cannot be hashed in advance.

    iframe-worker writes an inline <script> into an iframe, which inherits the page's
    Content-Security-Policy (scripts/csp_hook.py). That script embeds the absolute file:// URL of the
    search worker, which depends on where the reader unzips the site, so no hash can allow it; and
    'unsafe-inline' is ignored while hashes are listed. In the offline copy only, script-src becomes
    'self' 'unsafe-inline'; every other directive stays, so nothing may still be loaded from elsewhere.
    Returns the number of pages changed.
    """
    from bs4 import BeautifulSoup

    changed = 0
    for page in sorted(site_dir.rglob("*.html")):
        html = page.read_text(encoding="utf-8")
        meta = BeautifulSoup(html, "lxml").find("meta", attrs={"http-equiv": "Content-Security-Policy"})
        if meta is None:
            continue
        policy = meta["content"]
        directives = [d.strip() for d in policy.split(";") if d.strip()]
        relaxed = "; ".join("script-src 'self' 'unsafe-inline'" if d.split()[0] == "script-src" else d for d in directives)
        if f'content="{policy}"' not in html:
            raise SystemExit(f"{page}: cannot find its Content-Security-Policy verbatim to adapt it for file://")
        page.write_text(html.replace(f'content="{policy}"', f'content="{relaxed}"', 1), encoding="utf-8")
        changed += 1
    return changed


def external_references(site_dir: Path) -> list[str]:
    """What a page of the offline site would load from another host by itself: `page: URL`, expected none.

    Links the reader clicks (<a href>, rel=canonical) may leave; scripts, stylesheets, icons, images,
    frames and media must not. The browser test (tests/test_offline.py) also records real requests.
    """
    from bs4 import BeautifulSoup

    found = []
    for page in sorted(site_dir.rglob("*.html")):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "lxml")
        loaded = [tag.get("src") for tag in soup.find_all(["script", "img", "iframe", "source", "video", "audio", "embed"])]
        loaded += [tag.get("data") for tag in soup.find_all("object")]
        loaded += [tag.get("href") for tag in soup.find_all("link") if set(tag.get("rel", [])) & LOADING_LINK_RELS]
        found += [f"{page.relative_to(site_dir)}: {url}" for url in loaded if url and urlsplit(url).netloc]
    return found


def write_zip(site_dir: Path, zip_file: Path, prefix: str, extra: dict[str, Path]) -> int:
    """Zip the offline site under one top folder, files in sorted order with a fixed date (reproducible)."""
    zip_file.parent.mkdir(parents=True, exist_ok=True)
    files = {f"{prefix}/{p.relative_to(site_dir).as_posix()}": p for p in site_dir.rglob("*") if p.is_file()}
    files.update({f"{prefix}/{name}": path for name, path in extra.items()})
    with zipfile.ZipFile(zip_file, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, files[name].read_bytes())
    return len(files)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=default_root(), help="content folder: mkdocs.yml (default: the current one)")
    parser.add_argument("--build-dir", type=Path, help="where the offline site is built (default: ROOT/build/offline)")
    parser.add_argument("--out", type=Path, help="zip file (default: ROOT/site/<project name>-offline.zip)")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    name = project_name(ROOT)
    build_dir = (args.build_dir or root / "build" / "offline").resolve()
    out = (args.out or root / "site" / f"{name}-offline.zip").resolve()
    sys.path.insert(0, str(root / "scripts"))
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    # The PDF, when `make pdf` made one, goes along so that the site's "Download PDF" link works from disk.
    pdfs = {f"pdf/{p.name}": p for p in sorted((root / "site" / "pdf").glob("*.pdf"))}
    if pdfs:
        os.environ["KB_PDF"] = next(iter(pdfs))
    started = time.perf_counter()
    # Built beside build_dir, which it replaces only once built, adapted and checked (build_site.py).
    with replaced_on_success(build_dir) as staging:
        build_offline_site(root / "mkdocs.yml", staging)
        built = time.perf_counter() - started
        relax_script_policy(staging)
        if leaks := external_references(staging):
            raise SystemExit("The offline site still loads from other hosts:\n  " + "\n  ".join(leaks[:20]))
    count = write_zip(build_dir, out, f"{name}-offline", pdfs)
    print(f"Wrote {out} ({count} files, {out.stat().st_size / 1e6:.1f} MB; build {built:.1f} s). "
          f"Unzip it and open {name}-offline/index.html.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
