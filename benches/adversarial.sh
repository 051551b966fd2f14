#!/usr/bin/env bash
# Timings of nianbao on adversarial input (issue 9, item 2): each case is a copy of the test
# fixture tests/fixtures/valid with one hostile file, run under a time limit so a stall shows as
# "timeout" instead of hanging the script.
#
#   benches/adversarial.sh [BINARY] [LIMIT_SECONDS]
#
# BINARY defaults to target/release/nianbao (build it with `cargo build --release`); LIMIT_SECONDS
# defaults to 120. Prints one line per case: the case, the command, the exit code, the seconds.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-$repo/target/release/nianbao}
limit=${2:-120}
bin=$(realpath "$bin")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fresh() {
    rm -rf "$work/site"
    cp -r "$repo/tests/fixtures/valid" "$work/site"
}

# Runs nianbao on the site under the time limit and prints the case, the command, the exit code,
# the wall time and the CPU time (user + system: what the machine's other work does not inflate).
run_case() {
    local case=$1 command=$2
    shift 2
    local times code=0
    times=$( { TIMEFORMAT='%R %U %S'; time timeout "$limit" "$bin" --root "$work/site" "$@" >/dev/null 2>&1; } 2>&1 ) || code=$?
    code=${code:-0}
    if [ "$code" = 124 ]; then
        printf '%-44s %-6s timeout after %s s\n' "$case" "$command" "$limit"
    else
        read -r real user sys <<<"$times"
        printf '%-44s %-6s exit %s  wall %6.2f s  cpu %6.2f s\n' "$case" "$command" "$code" "$real" \
            "$(echo "$user + $sys" | bc)"
    fi
}

timed() {
    local case=$1
    run_case "$case" "$2" "$2" --output "$work/out"
}

timed_check() {
    run_case "$1" check check
}

data=content/shili/2021/data.yaml
report=content/shili/2021/report.md

# 1. data.yaml with 40,000 top-level keys (about 0.9 MB): the duplicate-key scan.
fresh
{
    cat "$work/site/$data"
    for i in $(seq 1 40000); do printf 'k%06d: [1, 2, 3, 4]\n' "$i"; done
} >"$work/tmp" && mv "$work/tmp" "$work/site/$data"
timed_check "data.yaml, 40,000 keys"

# 2. 40,000 keys in one nested mapping.
fresh
{
    cat "$work/site/$data"
    echo "extra:"
    for i in $(seq 1 40000); do printf '  k%06d: 1\n' "$i"; done
} >"$work/tmp" && mv "$work/tmp" "$work/site/$data"
timed_check "data.yaml, 40,000 keys in one mapping"

# 3. report.md with 100 KB and 1 MB of nested block quotes (">" repeated on one line).
for size in 100000 1000000; do
    fresh
    {
        printf '## 一、总体情况\n\n'
        head -c "$size" /dev/zero | tr '\0' '>'
        printf ' 文字\n\n## 五、存在的主要问题及改进情况\n\n无。\n\n## 六、其他需要报告的事项\n\n无。\n'
    } >"$work/site/$report"
    timed "report.md, $((size / 1000)) KB of nested >" build
done

# 4. report.md with 600 nested list items (one more indentation each line; about 360 KB).
fresh
{
    printf '## 一、总体情况\n\n'
    for i in $(seq 0 600); do printf '%*s- 项\n' $((i * 2)) ''; done
    printf '\n## 五、存在的主要问题及改进情况\n\n无。\n\n## 六、其他需要报告的事项\n\n无。\n'
} >"$work/site/$report"
timed "report.md, 600 nested list levels" build

# 5. report.md with 20,000 headings of the same text (heading ids made unique).
fresh
{
    printf '## 一、总体情况\n\n'
    for i in $(seq 1 20000); do printf '### 小节\n\n文字\n\n'; done
    printf '## 五、存在的主要问题及改进情况\n\n无。\n\n## 六、其他需要报告的事项\n\n无。\n'
} >"$work/site/$report"
timed "report.md, 20,000 equal headings" build

# 6. report.md with a 1.5 MB single line.
fresh
{
    printf '## 一、总体情况\n\n'
    head -c 1500000 /dev/zero | tr '\0' 'a'
    printf '\n\n## 五、存在的主要问题及改进情况\n\n无。\n\n## 六、其他需要报告的事项\n\n无。\n'
} >"$work/site/$report"
timed "report.md, one 1.5 MB line" build

# 7. report.md with 100,000 nested emphasis/links openers.
fresh
{
    printf '## 一、总体情况\n\n'
    for i in $(seq 1 100000); do printf '[*'; done
    printf '\n\n## 五、存在的主要问题及改进情况\n\n无。\n\n## 六、其他需要报告的事项\n\n无。\n'
} >"$work/site/$report"
timed "report.md, 100,000 [* openers" build

# 8. report.md with 30,000 part headings (each section's text and line looked up).
fresh
{
    for i in $(seq 1 10000); do
        printf '## 一、总体情况\n\n文字。\n\n## 五、存在的主要问题及改进情况\n\n无。\n\n## 六、其他需要报告的事项\n\n无。\n\n'
    done
} >"$work/site/$report"
timed_check "report.md, 30,000 part headings"

# 9. report.md with 40,000 lines of left-over guidance text.
fresh
{
    printf '## 一、总体情况\n\n'
    for i in $(seq 1 40000); do printf '（填写说明：概述。）\n\n'; done
    printf '## 五、存在的主要问题及改进情况\n\n无。\n\n## 六、其他需要报告的事项\n\n无。\n'
} >"$work/site/$report"
timed_check "report.md, 40,000 guidance lines"
