#!/usr/bin/env bash
# Every portal figure of BENCHMARKS.md (issue 15's "Done when") from one run, in one log:
#
#   benches/figures.sh ZOLA [LOG]
#
# ZOLA is a Zola binary built outside this repository (see BENCHMARKS.md); LOG defaults to
# target/figures.log. In order: the release build; full builds against Zola, 100 and 1,000
# agencies × 7 years into tmpfs (/dev/shm) and 1,000 onto the disk (/var/tmp), three alternating
# pairs each, with the bytes per kind of file; the peak memory of a 1,000-agency build; the rebuild
# after one edit (1,000 agencies); serve's save-to-reload and memory over 100 saves (1,000
# agencies). `uptime` is logged before and after each step: run it on an otherwise idle machine.
# About 25 minutes on the project's 2-core machine; it needs ≈ 4 GB in /dev/shm and ≈ 4 GB in
# /var/tmp, refuses to start if its folders (nb-figures) are already there, and removes them at the end.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
zola=$(realpath "${1:?usage: benches/figures.sh ZOLA [LOG]}")
log=${2:-$repo/target/figures.log}
cd "$repo"
# The folders this script makes and removes: it refuses to start if one is already there (it may be
# someone else's), instead of deleting it.
for own in /dev/shm/nb-figures /var/tmp/nb-figures; do
    if [ -e "$own" ]; then
        echo "benches/figures.sh: $own already exists; move or remove it first (this script removes only folders it made)" >&2
        exit 2
    fi
done
mkdir -p "$(dirname "$log")"
: > "$log"

step() {
    echo "## $*" | tee -a "$log"
    echo "uptime before: $(uptime)" | tee -a "$log"
    local start=$SECONDS
    # grep finds nothing to keep when a step prints only cargo's progress: not a failure.
    "$@" 2>&1 | { grep -v '^ *\(Compiling\|Finished\|Running\)' || true; } | tee -a "$log"
    echo "uptime after: $(uptime) (step took $((SECONDS - start)) s)" | tee -a "$log"
}

echo "machine: $(nproc) cores, $(free -g | awk '/Mem/ {print $2}') GiB, $(uname -r), $(rustc --version)" | tee -a "$log"
echo "commit: $(git rev-parse --short HEAD) $(date -u +%FT%TZ)" | tee -a "$log"
step cargo build --release --quiet
step cargo bench --bench versus -- --agencies 100 --pairs 3 --dir /dev/shm/nb-figures --zola "$zola"
step cargo bench --bench versus -- --agencies 1000 --pairs 3 --dir /dev/shm/nb-figures --zola "$zola"
# Peak memory of a first build of the same portal (versus times whole processes, not memory).
# The build's own lines (thousands of warnings about the portal's repeated sentences) are left
# out; its summary on standard output and /usr/bin/time's line are kept.
peak() {
    /usr/bin/time -o /dev/shm/nb-figures/peak-time -f "%e s wall, %U s user, %S s system, %M KB peak" \
        target/release/nianbao --root /dev/shm/nb-figures/nianbao-site build \
        --output /dev/shm/nb-figures/peak-out 2>/dev/null
    cat /dev/shm/nb-figures/peak-time
}
step peak
rm -rf /dev/shm/nb-figures
step cargo bench --bench versus -- --agencies 1000 --pairs 3 --dir /var/tmp/nb-figures --zola "$zola"
rm -rf /var/tmp/nb-figures
step cargo bench --bench rebuild -- --agencies 1000
step cargo bench --bench serve -- --agencies 1000
echo "log: $log"
