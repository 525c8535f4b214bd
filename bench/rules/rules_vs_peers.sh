#!/usr/bin/env bash
# Issue 6's rule benchmark against its peers, whole processes, in one run:
# 100 rules `Fact.amount > T_i && Fact.country == "C_i"` over 10,000 facts,
# every match counted (58,631), through
#   lgraph     `lgraph rules run rules.grl --batch facts.jsonl` (one session
#              per fact, one JSON line out per fact)
#   CLIPS      Debian's `clips` in batch mode: the facts asserted from a file
#              into one working memory, then (run)
#   json-rules-engine  (npm) on Node.js: one engine.run() per fact
# Each tool loads the same rules and reads the same facts from its own
# format (make_workload.py). Each is timed with 10,000 facts and with none;
# facts/s = 10,000 / (the difference), so start-up and loading the rules do
# not count. The counts of all three are checked before timing.
#
#   bench/rules/rules_vs_peers.sh [BUILD_DIR]      (default: build)
#
# Needs clips, hyperfine, node and npm (scripts/setup installs all but npm's
# json-rules-engine, which this script installs into BUILD_DIR/bench-peers).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$(realpath "${1:-build}")
lgraph=$build/bin/lgraph
facts=10000
jre_version=6.6.0
for tool in clips hyperfine node npm python3; do
  command -v "$tool" >/dev/null || { echo "needs $tool (scripts/setup)" >&2; exit 1; }
done
[[ -x $lgraph ]] || { echo "no $lgraph: build first (scripts/build release)" >&2; exit 1; }

peers=$build/bench-peers
if [[ ! -f $peers/node_modules/json-rules-engine/package.json ]] ||
  ! grep -q "\"version\": \"$jre_version\"" "$peers/node_modules/json-rules-engine/package.json"; then
  echo "installing json-rules-engine $jre_version into $peers"
  npm install --silent --no-audit --no-fund --prefix "$peers" "json-rules-engine@$jre_version"
fi
export NODE_PATH=$peers/node_modules

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 "$here/make_workload.py" "$work/full" "$facts"
python3 "$here/make_workload.py" "$work/none" 0
for w in full none; do
  cat >"$work/$w/run.bat" <<EOF
(set-fact-duplication TRUE)
(load* "$work/$w/rules.clp")
(reset)
(load-facts "$work/$w/facts.clp")
(run)
(printout t ?*hits* crlf)
(exit)
EOF
done

echo "$(nproc) cores; $(uname -r); lgraph $(git -C "$here" rev-parse --short HEAD 2>/dev/null || echo '?');" \
  "CLIPS $(dpkg-query -W -f='${Version}' clips 2>/dev/null); json-rules-engine $jre_version" \
  "on Node.js $(node --version)"

# The counts first: every engine must find the same 58,631 matches.
want=$(python3 - "$facts" <<'PY'
import sys
countries = ["NO", "SE", "DK", "FI", "DE", "FR", "ES", "IT", "PL", "NL"]
n = int(sys.argv[1])
print(sum(1 for i in range(n) for r in range(100)
          if (i * 37) % 1200 > r * 10 and countries[(i * 7) % 10] == countries[r % 10]))
PY
)
ours=$("$lgraph" rules run "$work/full/rules.grl" --batch "$work/full/facts.jsonl" |
  python3 -c 'import json, sys; print(sum(json.loads(l)["facts"]["Result"]["hits"] for l in sys.stdin))')
clips_count=$(clips -f2 "$work/full/run.bat" | tr -d '\r')
jre_count=$(node "$here/json_rules_engine_run.js" "$work/full")
echo "matches: expected $want; lgraph $ours, CLIPS $clips_count, json-rules-engine $jre_count"
[[ $ours == "$want" && $clips_count == "$want" && $jre_count == "$want" ]] ||
  { echo "the engines disagree: no timing" >&2; exit 1; }

# time NAME RUNS COMMAND_WITH_{}: hyperfine over {} = full and {} = none.
time_pair() {
  local name=$1 runs=$2 command=$3
  hyperfine -N --warmup 1 --runs "$runs" --export-json "$work/$name.json" \
    --command-name "$name $facts facts" "${command//\{\}/$work/full}" \
    --command-name "$name 0 facts" "${command//\{\}/$work/none}" >"$work/$name.log" 2>&1 ||
    { cat "$work/$name.log" >&2; exit 1; }
}
time_pair lgraph 20 "$lgraph rules run {}/rules.grl --batch {}/facts.jsonl"
time_pair clips 20 "clips -f2 {}/run.bat"
time_pair json-rules-engine 3 "node $here/json_rules_engine_run.js {}"

python3 - "$work" "$facts" <<'PY'
import json, sys
work, facts = sys.argv[1], int(sys.argv[2])
rows = []
for name in ["lgraph", "clips", "json-rules-engine"]:
    full, none = json.load(open(f"{work}/{name}.json"))["results"]
    matching = full["mean"] - none["mean"]
    rows.append((name, full["mean"], full["stddev"] or 0, none["mean"], facts / matching))
print(f"{'engine':<20}{'10k facts (s)':>16}{'no facts (s)':>14}{'facts/s':>12}{'lgraph is':>12}")
ours = rows[0][4]
for name, full, sd, none, rate in rows:
    print(f"{name:<20}{full:>10.4f} ±{sd:.4f}{none:>14.4f}{rate:>12,.0f}{ours / rate:>11.1f}x")
PY
