#!/usr/bin/env python3
"""Writes examples/incidents/<incident>/releases/: for each supply-chain incident, a short
history of a project's releases as facts (what the importers record), several normal
ones and then the one the incident would have shipped. Each release carries `previous`,
the last release before it that the gate let through, as `relgate eval --previous-from`
records it. Deterministic: python3 generate.py [OUTPUT_DIR]. The facts are illustrative,
shaped after each incident's public write-ups (README.md): names, versions and digests
are made up, registry hosts are placeholders."""
import copy
import hashlib
import json
import os
import sys

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
HOSTED = "https://github.com/actions/runner/github-hosted"


def sha(text):
    return hashlib.sha256(text.encode()).hexdigest()


def sri(name, version):
    return "sha512-" + hashlib.sha512(f"{name}@{version}".encode()).hexdigest()[:86] + "=="


def built_at(version):
    """A release a week apart per minor version, from 2026-03-02."""
    minor = int(version.split(".")[1])
    return f"2026-03-{2 + 7 * minor:02d}T12:00:00Z"


def dep(name, version, script=False):
    return {"name": name, "version": version, "pinned": True, "integrity": sri(name, version),
            "source": f"https://registry.npm.example/{name}/-/{name}-{version}.tgz",
            "has_install_script": script}


def job(name="release", runs_on=("ubuntu-latest",), self_hosted=False, restores_cache=False):
    return {"id": name, "runs_on": list(runs_on), "self_hosted": self_hosted,
            "runners": [{"labels": list(runs_on), "self_hosted": self_hosted}],
            "restores_cache": restores_cache, "checks_out_pr_head": False}


def workflow(uses=None, triggers=("push",), prt=False, jobs=None):
    return {"pull_request_target": prt, "triggers": list(triggers),
            "jobs": jobs or [job()],
            "uses": uses or [{"job": "release", "action": "actions/checkout",
                              "ref": "b4ffde65f46336ab88eb53be808477a3936bae11", "pinned": True,
                              "local": False,
                              "resolved": "b4ffde65f46336ab88eb53be808477a3936bae11"}]}


def code_release(repo, version, deps, files, size, **extra):
    facts = {
        "release": {"id": version, "repo": repo, "built_at": built_at(version)},
        "provenance": {"builder_id": HOSTED, "source_repository": f"https://github.com/{repo}"},
        "dependencies": deps,
        "artifact": {"files": files, "size": size},
        "workflow": workflow(),
    }
    facts.update(extra)
    return facts


def write_history(name, releases, allowed):
    """`allowed[k]`: whether release k is one the gate lets through (for `previous`)."""
    directory = os.path.join(OUT, name, "releases")
    os.makedirs(directory, exist_ok=True)
    last_allowed = None
    for k, facts in enumerate(releases):
        out = copy.deepcopy(facts)
        if last_allowed is not None:
            out["previous"] = {key: v for key, v in last_allowed.items() if key != "previous"}
        path = os.path.join(directory, f"{k + 1:02d}-{facts['release']['id']}.json")
        with open(path, "w") as f:
            json.dump(out, f, indent=2, sort_keys=True)
            f.write("\n")
        if allowed[k]:
            last_allowed = facts


BASE_DEPS = [dep("left-pad", "1.3.0"), dep("esbuild", "0.19.12", script=True)]
FILES = ["package/package.json", "package/README.md", "package/dist/index.js"]


def normal(repo, n, **extra):
    return [code_release(repo, f"1.{k}.0", BASE_DEPS, FILES, 3_000_000 + k * 1000, **extra)
            for k in range(n)]


def main():
    ok3 = [True, True, True, False]

    # tj-actions/changed-files (March 2025): the v45 tag repointed to a malicious commit.
    r = normal("acme/web", 4)
    for k, rel in enumerate(r):
        resolved = sha("tj-actions v45 good") if k < 3 else sha("tj-actions v45 malicious")
        rel["workflow"] = workflow(uses=[{"job": "release", "action": "tj-actions/changed-files",
                                          "ref": "v45", "pinned": False, "local": False,
                                          "resolved": resolved[:40]}])
    write_history("tj-actions-changed-files", r, ok3)

    # nx "s1ngularity" (August 2025): a release of nx with a post-install script.
    r = normal("acme/monorepo", 4)
    for k, rel in enumerate(r):
        rel["dependencies"] = BASE_DEPS + [dep("nx", f"21.{k}.0", script=(k == 3))]
    write_history("nx-s1ngularity", r, ok3)

    # Shai-Hulud (September 2025): versions published with stolen tokens, outside CI.
    r = normal("acme/ui-kit", 4)
    del r[3]["provenance"]
    r[3]["artifact"]["files"] = FILES + ["package/bundle.js"]
    write_history("shai-hulud", r, ok3)

    # ultralytics (December 2024): the release workflow restored a cache that a
    # pull_request_target run had poisoned.
    r = normal("acme/vision", 4)
    r[3]["workflow"] = workflow(triggers=("push", "pull_request_target"), prt=True,
                                jobs=[job(restores_cache=True)])
    write_history("ultralytics-cache-poisoning", r, ok3)

    # PyTorch (2024): self-hosted runners reached by a fork's pull request.
    r = normal("acme/ml-core", 4)
    r[3]["workflow"] = workflow(triggers=("push", "pull_request"),
                                jobs=[job("build-gpu", ("self-hosted", "linux.gpu"),
                                          self_hosted=True)])
    write_history("pytorch-self-hosted-runner", r, ok3)

    # An npm package shipping a ~60 MB source map (2026).
    r = normal("acme/cli", 4)
    r[3]["artifact"] = {"files": FILES + ["package/dist/cli.js.map"], "size": 62_914_560}
    write_history("npm-source-map", r, ok3)

    # xz-utils (2024): the release tarball held a build-to-host.m4 the git tree did not.
    tree = ["configure.ac", "Makefile.am", "src/liblzma/check/crc64_fast.c", "m4/visibility.m4"]
    r = []
    for k in range(4):
        files = tree + ["configure", "Makefile.in", "aclocal.m4"]
        if k == 3:
            files = files + ["m4/build-to-host.m4"]
        rel = code_release("acme/xz", f"5.{k}.0", BASE_DEPS, files, 2_500_000 + k * 1000,
                           source_tree={"files": tree})
        r.append(rel)
    write_history("xz-utils", r, ok3)

    # A model repository whose weight file was swapped outside the signed manifest.
    def model_release(version, swapped):
        files = [{"path": p, "covered": True, "digest_matches": True, "pickle": False}
                 for p in ["README.md", "config.json", "tokenizer.json", "model.safetensors"]]
        if swapped:
            files[3]["digest_matches"] = False
        return {"release": {"id": version, "repo": "acme/demo-model",
                            "built_at": built_at(version)},
                "model": {"manifest_consistent": True, "signature": "verified",
                          "files": files, "missing": []}}
    write_history("model-weights-swapped",
                  [model_release(f"1.{k}.0", k == 3) for k in range(4)], ok3)


if __name__ == "__main__":
    main()
