#!/usr/bin/env python3
"""Writes examples/history/releases.jsonl: a few hundred past releases of acme's
repositories, one JSON facts document per line, for `relgate replay` to dry-run a policy
change over (make demo does).

Deterministic: the same seed gives the same bytes (tests/examples_test checks that the
committed file is this script's output). The mix is meant to look like a real history:
most releases are clean; some lack a second reviewer or the release team's approval, run
an unlisted install script, ship a source map, build on a self-hosted runner or a day
after the commit, or come from a branch other than main. Since 2026-05-01 the build
system signs provenance (`provenance.signed_by`); older releases lack that fact, which
the candidate policy (candidate/) reads.

    python3 examples/history/generate.py [--seed 2026] [--n 300] > examples/history/releases.jsonl
"""
import argparse
import hashlib
import json
import random
import sys
from datetime import datetime, timedelta, timezone

REPOS = ["acme/web", "acme/api", "acme/billing", "acme/auth", "acme/cli", "acme/infra"]
PEOPLE = {
    "alice": "web", "bob": "release-eng", "carol": "api", "dave": "security",
    "erin": "security", "frank": "web", "grace": "release-eng", "heidi": "qa",
    "ivan": "api", "judy": "qa", "mallory": "infra", "oscar": "release-eng",
}
# name, version, runs an install script
PACKAGES = [
    ("left-pad", "1.3.0", False), ("chalk", "5.3.0", False), ("esbuild", "0.21.5", True),
    ("sharp", "0.33.4", True), ("react", "18.3.1", False), ("lodash", "4.17.21", False),
    ("zod", "3.23.8", False), ("express", "4.19.2", False), ("ws", "8.17.1", False),
    ("yaml", "2.4.5", False), ("semver", "7.6.2", False), ("commander", "12.1.0", False),
    ("fsevents", "2.3.3", True), ("legacy-lib", "0.9.1", False), ("pino", "9.2.0", False),
]
UNLISTED_SCRIPT = [("node-gyp-helper", "1.0.4"), ("postinstall-banner", "2.1.0")]
HOSTED = "https://github.com/actions/runner/github-hosted"
SIGNING_SINCE = datetime(2026, 5, 1, tzinfo=timezone.utc)


def stamp(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def digest(rng):
    return "sha256:" + "".join(rng.choice("0123456789abcdef") for _ in range(64))


def integrity(name, version, algo="sha512"):
    raw = hashlib.new(algo, f"{name}@{version}".encode()).digest()
    import base64
    return f"{algo}-" + base64.b64encode(raw).decode()


def release(rng, k, start):
    repo = rng.choice(REPOS)
    author = rng.choice(sorted(PEOPLE))
    committed = start + timedelta(minutes=int(k * 780 + rng.random() * 600))
    delay = timedelta(minutes=5 + int(rng.random() * 240))
    roll = rng.random()
    if roll < 0.025:
        delay = timedelta(hours=25 + int(rng.random() * 30))  # a stale build
    elif roll < 0.12:
        delay = timedelta(hours=7 + int(rng.random() * 15))  # slow, but within a day
    built = committed + delay

    others = [p for p in sorted(PEOPLE) if p != author]
    reviewers = rng.sample(others, 1 if rng.random() < 0.05 else 2 + int(rng.random() * 2))
    if rng.random() < 0.94 and not any(PEOPLE[r] == "release-eng" for r in reviewers):
        reviewers[-1] = rng.choice([p for p in others if PEOPLE[p] == "release-eng"])
    if rng.random() < 0.05:
        reviewers.append(author)  # a self-approval, which does not count
    approvals = [
        {"user": r, "team": PEOPLE[r], "at": stamp(committed + timedelta(minutes=1 + i * 7))}
        for i, r in enumerate(dict.fromkeys(reviewers))
    ]

    hosted = rng.random() > 0.03
    builder = {"id": HOSTED if hosted else "https://ci.acme.example/runners/build-07",
               "hosted": hosted, "ephemeral": hosted}

    deps = []
    for name, version, script in rng.sample(PACKAGES, 4 + int(rng.random() * 6)):
        entry = {"name": name, "version": version, "pinned": True,
                 "integrity": integrity(name, version), "has_install_script": script}
        if name == "legacy-lib":
            del entry["integrity"]  # vendored; policies/ has an exception for it
        elif rng.random() < 0.004:
            entry["integrity"] = integrity(name, version, "sha1")
        deps.append(entry)
    if rng.random() < 0.05:
        name, version = rng.choice(UNLISTED_SCRIPT)
        deps.append({"name": name, "version": version, "pinned": True,
                     "integrity": integrity(name, version), "has_install_script": True})

    name = repo.replace("/", "-")
    files = ["dist/index.js", "dist/index.d.ts", "package.json"]
    if rng.random() < 0.05:
        files.append("dist/index.js.map")
    art = digest(rng)
    provenance = {"subject_digest": art if rng.random() > 0.03 else digest(rng),
                  "builder_id": builder["id"]}
    if built >= SIGNING_SINCE:
        provenance["signed_by"] = ("release-signer@acme.example" if rng.random() > 0.03
                                   else "someone@mail.example")
    return {
        "release": {
            "id": f"{name}-{k + 1:04d}", "repo": repo,
            "branch": "main" if rng.random() > 0.04 else "hotfix/login",
            "author": author, "commit": digest(rng)[7:47],
            "committed_at": stamp(committed), "built_at": stamp(built),
        },
        "approvals": approvals,
        "builder": builder,
        "artifact": {"name": name, "digest": art, "files": files},
        "provenance": provenance,
        "dependencies": deps,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--n", type=int, default=300)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    start = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)
    out = sys.stdout
    for k in range(args.n):
        out.write(json.dumps(release(rng, k, start), separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
