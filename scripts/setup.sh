#!/usr/bin/env bash
# Installs what the project needs on a fresh machine: a JDK 17+, Maven and Mercurial.
# Safe to run repeatedly; does nothing when everything is present.
set -euo pipefail

need_apt=()
command -v hg >/dev/null 2>&1 || need_apt+=(mercurial)
command -v mvn >/dev/null 2>&1 || need_apt+=(maven)
command -v java >/dev/null 2>&1 || need_apt+=(openjdk-17-jdk-headless)

if [ ${#need_apt[@]} -eq 0 ]; then
  exit 0
fi

echo "setup: installing ${need_apt[*]}" >&2
if ! command -v apt-get >/dev/null 2>&1; then
  echo "setup: cannot install ${need_apt[*]}: no apt-get on this machine." >&2
  echo "setup: install them with your package manager (Mercurial 6.x, JDK 17+, Maven 3.8+) and re-run." >&2
  exit 1
fi
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo_cmd=(sudo -n)
  else
    echo "setup: cannot install ${need_apt[*]}: not root and no password-less sudo." >&2
    echo "setup: run as root: apt-get update && apt-get install -y ${need_apt[*]}" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq "${need_apt[@]}" >/dev/null
echo "setup: installed ${need_apt[*]}" >&2
