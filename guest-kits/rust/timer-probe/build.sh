#!/usr/bin/env bash
# Builds timer-probe.wasm (wasm32-wasip1), the kit's test guest, with the kit's build script.
set -euo pipefail
cd "$(dirname "$0")"
../build-wasip1.sh . timer-probe.wasm
