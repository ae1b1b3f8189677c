#!/usr/bin/env bash
# Installs the Debian packages relgate needs to build and test, if any are missing.
# Uses sudo when not root. Safe to run repeatedly: it does nothing when all are present.
set -euo pipefail

packages=(
  cmake g++ make pkg-config
  lld  # the linker: links the ~45 programs of a build (tests, tools) ~6x faster than ld.bfd
  antlr4 libantlr4-runtime-dev
  libre2-dev libyaml-cpp-dev libsimdjson-dev libcli11-dev doctest-dev libssl-dev
  libbenchmark-dev libsqlite3-dev
  libfmt-dev  # text formatting of the reports
  libpq-dev postgresql  # the organisation-wide history; its tests start a real server
  libtomlplusplus-dev  # the Cargo.lock importer reads TOML
  libarchive-dev  # the archive importer reads packages without extracting them
  libunistring-dev  # case folding and normalisation: names one file system holds as one
  git             # the git importer reads commits and tags
  gnupg openssh-client  # git checks commit signatures with gpg and ssh-keygen
  chromium  # the HTML replay report's test renders it headless
  python3   # examples/history/generate.py (a test checks the committed output)
  libxml2-utils  # xmllint: the JUnit report's test validates it against a schema
  openssl        # the attestation tests make keys and check signatures with it
  help2man man-db  # the man pages are made from the commands' --help; a test renders them
  curl           # the GitHub Action downloads the release tarball; its test runs it
  neovim         # the language server's editor test drives Neovim's own LSP client
  nodejs unzip   # the VS Code extension's grammar test and its .vsix (npm comes with Node.js)
)
if [ "${RELGATE_WITH_FUZZ:-0}" = 1 ]; then
  packages+=(clang libclang-rt-14-dev)
fi
if [ "${RELGATE_WITH_LINT:-0}" = 1 ]; then
  packages+=(clang-format git python3)  # scripts/lint.py
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
echo "installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
if ! $sudo apt-get install -y --no-install-recommends "${missing[@]}"; then
  $sudo apt-get update
  $sudo apt-get install -y --no-install-recommends "${missing[@]}"
fi
