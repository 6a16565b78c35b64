#!/usr/bin/env python3
"""Re-fetch the bundled JSON-LD contexts from package registries and check them.

Reads contexts/MANIFEST.json and test_vectors/contexts/MANIFEST.json. Each entry's
"source" says where the file comes from:

  npm:PKG@VERSION:PATH      file PATH inside the npm tarball (`npm pack PKG@VERSION`)
  npm-js:PKG@VERSION:PATH   CommonJS module PATH in the npm tarball; the exported object
                            is serialised by node as JSON.stringify(obj, null, 2) + "\\n"
  pypi:PKG==VERSION:PATH    file PATH inside the wheel (`pip download --no-deps`)
  github:OWNER/REPO@COMMIT:PATH
                            no registry holds it; cannot be re-fetched here, only the
                            local file's digest is verified

Every fetched file must have the sha256 and byte count recorded in the manifest.

  python scripts/fetch_contexts.py           fetch, verify, write the files
  python scripts/fetch_contexts.py --check   fetch and verify only; write nothing

Exit status 1 on any mismatch or failure. Needs network access to the npm registry and
PyPI (plus `npm`, `node` and `pip` on PATH), so it is NOT part of the test suite.
Python standard library only.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MANIFESTS = [
    ROOT / "contexts" / "MANIFEST.json",
    ROOT / "test_vectors" / "contexts" / "MANIFEST.json",
]

# Wheels are pure Python (py3-none-any); pin a target so a package whose metadata asks for
# a newer Python than the one running this script can still be downloaded.
PIP_PYTHON_VERSION = "3.12"

NODE_SERIALISE = "process.stdout.write(JSON.stringify(require(process.argv[1]), null, 2) + '\\n')"


def parse_source(source: str) -> tuple[str, str, str]:
    scheme, rest = source.split(":", 1)
    spec, path = rest.split(":", 1)
    return scheme, spec, path


class Fetcher:
    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self._npm: dict[str, Path] = {}
        self._pypi: dict[str, Path] = {}

    def npm_package_dir(self, spec: str) -> Path:
        if spec not in self._npm:
            dest = self.workdir / f"npm{len(self._npm)}"
            dest.mkdir()
            out = (
                subprocess.run(
                    ["npm", "pack", spec, "--pack-destination", str(dest), "--silent"],
                    check=True,
                    capture_output=True,
                    text=True,
                )
                .stdout.strip()
                .splitlines()
            )
            tgz = dest / out[-1]
            with tarfile.open(tgz) as tf:
                try:
                    tf.extractall(dest / "x", filter="data")
                except TypeError:  # Python without extraction filters
                    tf.extractall(dest / "x")
            self._npm[spec] = dest / "x" / "package"
        return self._npm[spec]

    def wheel(self, spec: str) -> Path:
        if spec not in self._pypi:
            dest = self.workdir / f"pypi{len(self._pypi)}"
            dest.mkdir()
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "pip",
                    "download",
                    "--no-deps",
                    "--only-binary=:all:",
                    "--python-version",
                    PIP_PYTHON_VERSION,
                    "-q",
                    "-d",
                    str(dest),
                    spec,
                ],
                check=True,
                capture_output=True,
                text=True,
            )
            wheels = sorted(dest.glob("*.whl"))
            if len(wheels) != 1:
                raise RuntimeError(f"expected one wheel for {spec}, got {wheels}")
            self._pypi[spec] = wheels[0]
        return self._pypi[spec]

    def fetch(self, source: str) -> bytes | None:
        scheme, spec, path = parse_source(source)
        if scheme == "npm":
            return (self.npm_package_dir(spec) / path).read_bytes()
        if scheme == "npm-js":
            module = self.npm_package_dir(spec) / path
            return subprocess.run(
                ["node", "-e", NODE_SERIALISE, str(module)], check=True, capture_output=True
            ).stdout
        if scheme == "pypi":
            with zipfile.ZipFile(self.wheel(spec)) as zf:
                return zf.read(path)
        if scheme in ("github", "local"):
            return None  # no registry holds it (local: authored here); verify the local copy only
        raise ValueError(f"unknown source scheme: {source}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true", help="verify only, write nothing")
    args = ap.parse_args()

    failures = 0
    with tempfile.TemporaryDirectory(prefix="fetch-contexts-") as tmp:
        fetcher = Fetcher(Path(tmp))
        for manifest_path in MANIFESTS:
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
            for entry in manifest["contexts"]:
                target = manifest_path.parent / entry["file"]
                label = f"{manifest_path.parent.relative_to(ROOT)}/{entry['file']}"
                try:
                    data = fetcher.fetch(entry["source"])
                except Exception as exc:  # report and go on
                    print(f"FAIL   {label}: cannot fetch {entry['source']}: {exc}")
                    failures += 1
                    continue
                note = ""
                if data is None:
                    if not target.exists():
                        print(f"FAIL   {label}: not in any registry and no local copy")
                        failures += 1
                        continue
                    data = target.read_bytes()
                    note = " (github source: local copy verified, not re-fetched)"
                digest = hashlib.sha256(data).hexdigest()
                if digest != entry["sha256"] or len(data) != entry["bytes"]:
                    print(
                        f"FAIL   {label}: got sha256 {digest} ({len(data)} bytes), "
                        f"manifest says {entry['sha256']} ({entry['bytes']} bytes)"
                    )
                    failures += 1
                    continue
                if args.check:
                    if target.exists() and target.read_bytes() != data:
                        print(f"FAIL   {label}: local file differs from the fetched bytes")
                        failures += 1
                        continue
                    if not target.exists():
                        print(f"FAIL   {label}: local file missing")
                        failures += 1
                        continue
                    print(f"OK     {label}{note}")
                else:
                    if not target.exists() or target.read_bytes() != data:
                        target.write_bytes(data)
                        print(f"WROTE  {label}{note}")
                    else:
                        print(f"OK     {label}{note}")
    print(f"{failures} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
