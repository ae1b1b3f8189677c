#!/usr/bin/env bash
# A gate that imports one keyless bundle, as whole processes side by side (wall time, the
# median of RUNS, default 101): `relgate import slsa` of a GitHub attestation (verified
# against the embedded roots), of an unsigned statement (no verification), the yardstick
# bench/verify_floor.cpp (the OpenSSL work alone: three certificates and two keys decoded,
# one P-384 and four P-256 verifications), and a process that only sets OpenSSL up. Builds
# with scripts/bench.sh's build directory.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DRELGATE_BENCH=ON -DRELGATE_BUILD_TESTS=OFF >/dev/null
cmake --build build-bench -j2 --target relgate relgate_verify_floor >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
bundle=tests/data/import/slsa/gh-cli__sigstore-js-2.1.0.github-attestation-bundle.json
python3 - "$bundle" engine/sigstore/roots/public-good.json "$work" <<'PY'
import base64, json, sys
bundle, root, out = json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), sys.argv[3]
material = bundle["verificationMaterial"]
leaf = material.get("certificate") or material["x509CertificateChain"]["certificates"][0]
chain = root["certificateAuthorities"][-1]["certChain"]["certificates"]
for name, cert in (("leaf", leaf), ("intermediate", chain[0]), ("root", chain[-1])):
    open(f"{out}/{name}.der", "wb").write(base64.b64decode(cert["rawBytes"]))
PY
python3 - "${RUNS:-101}" "$work" "$bundle" <<'PY'
import statistics, subprocess, sys, time
runs, work, bundle = int(sys.argv[1]), sys.argv[2], sys.argv[3]
commands = {
    "relgate import slsa (verified bundle)": ["build-bench/relgate", "import", "slsa", bundle],
    "relgate import slsa (unsigned statement)": [
        "build-bench/relgate", "import", "slsa",
        "tests/data/import/slsa/slsa-github-generator__attestation1.unsigned-statement.intoto.json"],
    "yardstick: the OpenSSL work alone": [
        "build-bench/bench/relgate_verify_floor", f"{work}/leaf.der", f"{work}/intermediate.der",
        f"{work}/root.der"],
    "yardstick: OpenSSL set up, nothing verified": ["build-bench/bench/relgate_verify_floor"],
}
for name, command in commands.items():
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(command, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
        if done.returncode not in (0, 2) or (done.returncode == 2 and len(command) > 1):
            sys.exit(f"{name}: exit {done.returncode}")
    print(f"{statistics.median(times) * 1000:7.2f} ms  {name}")
PY
