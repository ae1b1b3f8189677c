#!/usr/bin/env python3
"""Writes the model-signing fixtures: a small model directory and model signatures over
it in the layout sigstore/model-transparency signs (an in-toto statement with predicate
https://model_signing/signature/v1.0: one subject, the model's name and the SHA-256 over
its files' digests in order; `predicate.resources` one entry per file). The statements
are bare here; the tests sign them into DSSE envelopes with a key made at test time.
Deterministic: run it from anywhere, python3 make_fixtures.py [OUTPUT_DIR]"""
import hashlib
import json
import os
import sys

HERE = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
MODEL = {
    "config.json": b'{"architectures": ["DemoForCausalLM"], "hidden_size": 64}\n',
    "model.safetensors": b"SAFETENSORS" + bytes(range(256)) * 4,
    "tokenizer.json": b'{"version": "1.0", "model": {"type": "BPE"}}\n',
    "README.md": b"# demo-model\n\nA model card: intended use, training data, limits.\n",
}
IGNORE = ["model.sig", ".git", ".gitattributes", ".github", ".gitignore"]


def statement(name, files, root_override=None, method="files"):
    resources = [{"name": p, "algorithm": "sha256", "digest": hashlib.sha256(files[p]).hexdigest()}
                 for p in sorted(files)]
    root = hashlib.sha256(b"".join(bytes.fromhex(r["digest"]) for r in resources)).hexdigest()
    return {
        "_type": "https://in-toto.io/Statement/v1",
        "subject": [{"name": name, "digest": {"sha256": root_override or root}}],
        "predicateType": "https://model_signing/signature/v1.0",
        "predicate": {
            "serialization": {"method": method, "hash_type": "sha256", "allow_symlinks": False,
                              "ignore_paths": IGNORE},
            "resources": resources,
        },
    }


def write(name, data):
    path = os.path.join(HERE, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as out:
        out.write(data)


def main():
    for path, data in MODEL.items():
        write(os.path.join("demo-model", path), data)
    dump = lambda s: (json.dumps(s, indent=2) + "\n").encode()
    # What was signed when the model was released: every file as it is now.
    write("signed-all.statement.json", dump(statement("demo-model", MODEL)))
    # Signed before the weights were swapped: the same names, another weight file.
    before = dict(MODEL, **{"model.safetensors": b"SAFETENSORS-ORIGINAL-WEIGHTS"})
    write("signed-before-swap.statement.json", dump(statement("demo-model", before)))
    # Signed with a file the release no longer has, and without the README.
    partial = {p: d for p, d in MODEL.items() if p != "README.md"}
    partial["generation_config.json"] = b'{"max_new_tokens": 64}\n'
    write("signed-partial.statement.json", dump(statement("demo-model", partial)))
    # A root digest that does not match its resources (an edited manifest).
    write("inconsistent.statement.json", dump(statement("demo-model", MODEL, "0" * 64)))
    write("shards.statement.json", dump(statement("demo-model", MODEL, method="shards")))
    # The v0.2 layout: one subject per file.
    compat = {
        "_type": "https://in-toto.io/Statement/v1",
        "subject": [{"name": p, "digest": {"sha256": hashlib.sha256(MODEL[p]).hexdigest()}}
                    for p in sorted(MODEL)],
        "predicateType": "https://model_signing/Digests/v0.1",
        "predicate": {"unused": "0.2"},
    }
    write("compat-v0.2.statement.json", dump(compat))


if __name__ == "__main__":
    main()
