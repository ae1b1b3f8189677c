#!/usr/bin/env python3
"""The include graph has no edge from a lower layer to a higher one.

Each directory of engine/ (and the two facades) has a layer; a file may include files of
its own directory and of lower layers only. Two directories on the same layer do not
include each other: they are independent. Run by `make lint` and by ctest
(`include-layers`); `farm-studio look` draws the same graph.
"""
import pathlib
import re
import sys

# Lowest first. The core (what relgate_core links) is base .. decider: no database,
# archive, network or report code.
LAYERS = [
    ["base"],
    ["types"],              # the language's types: below the checker, for compiled programs
    ["syntax", "builtins", "facts"],
    ["check"],
    ["compile"],
    ["eval"],
    ["decider"],            # engine/decider.{h,cpp}: compile and decide, no I/O
    ["attest"],             # envelopes, certificates, subjects
    ["sigstore", "report", "history", "bundle"],
    ["import", "api"],      # api: the public library (include/relgate/relgate.h)
    ["relgate"],            # engine/relgate.{h,cpp}: facts from files, importers, histories
    ["replay", "policytest"],
    ["lsp"],                # the language server: check and policy tests for editors
    ["cli"],
]
RANK = {name: rank for rank, names in enumerate(LAYERS) for name in names}
INCLUDE = re.compile(r'^#include "(engine|cli)/([^"]+)"', re.M)


def unit(path: pathlib.Path) -> str:
    parts = path.parts
    if parts[0] == "cli":
        return "cli"
    if len(parts) == 2:  # engine/decider.h, engine/relgate.cpp
        return path.stem
    return parts[1]


# Headers a compiled program is used through (evaluating, binding, embedding): what they
# include, all the way down, must not reach the checker or the syntax tree.
RUNTIME_HEADERS = ["engine/compile/program.h", "engine/eval/evaluator.h", "engine/eval/bind.h"]
RUNTIME_MUST_NOT_REACH = ("engine/check/", "engine/syntax/")


def runtime_problems(root: pathlib.Path) -> list:
    problems = []
    for header in RUNTIME_HEADERS:
        seen, stack, parent = {header}, [header], {}
        while stack:
            current = stack.pop()
            if current.startswith(RUNTIME_MUST_NOT_REACH):
                chain = [current]
                while chain[-1] in parent:
                    chain.append(parent[chain[-1]])
                problems.append(f"{header}: reaches {current} (through "
                                f"{' <- '.join(chain[1:])}); a compiled program must not "
                                "need the checker's or the syntax tree's headers")
                continue
            text = (root / current).read_text(encoding="utf-8")
            for top, included in INCLUDE.findall(text):
                name = f"{top}/{included}"
                if name not in seen and (root / name).exists():
                    seen.add(name)
                    parent[name] = current
                    stack.append(name)
    return problems


def main() -> int:
    root = pathlib.Path(__file__).resolve().parent.parent
    problems = []
    files = [p for p in (root / "engine").rglob("*") if p.suffix in (".h", ".cpp")]
    files += [p for p in (root / "cli").rglob("*") if p.suffix in (".h", ".cpp")]
    for path in sorted(files):
        rel = path.relative_to(root)
        if rel.name.endswith("_test.cpp"):
            continue  # tests sit beside the code they test and may use anything
        source = unit(rel)
        if source not in RANK:
            problems.append(f"{rel}: directory `{source}` has no layer in scripts/layers.py")
            continue
        for top, included in INCLUDE.findall(path.read_text(encoding="utf-8")):
            target = unit(pathlib.Path(top) / included)
            if target == source:
                continue
            if target not in RANK:
                problems.append(f"{rel}: includes {top}/{included}, whose layer is unknown")
            elif RANK[target] >= RANK[source]:
                problems.append(
                    f"{rel}: `{source}` (layer {RANK[source]}) includes {top}/{included} "
                    f"(`{target}`, layer {RANK[target]}): an edge up or across the layers")
    problems += runtime_problems(root)
    for p in problems:
        print(p)
    print(f"layers: {len(files)} files, {len(problems)} edges up or across")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
