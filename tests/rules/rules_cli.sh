#!/usr/bin/env bash
# `lgraph rules check|run` as a user drives them: every example in
# examples/rules/ gives its expected output (facts, firings, log, trace), and
# bad rule files, bad facts and runaway rules fail with exit 1 and an error
# naming the file, line and column or the rule.
set -euo pipefail
lgraph=${LGRAPH:?set LGRAPH to the lgraph binary}
examples=$(cd "$(dirname "$0")/../../examples/rules" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# Exits CODE and prints TEXT (stdout and stderr): expect CODE TEXT ARGS...
expect() {
  local code=$1 text=$2
  shift 2
  set +e
  "$lgraph" "$@" >"$work/out" 2>&1
  local got=$?
  set -e
  [[ $got -eq $code ]] || { cat "$work/out" >&2; fail "lgraph $* exited $got, expected $code"; }
  grep -qF -- "$text" "$work/out" || { cat "$work/out" >&2; fail "lgraph $* did not print '$text'"; }
}

for grl in "$examples"/*.grl; do
  name=$(basename "$grl" .grl)
  expect 0 ": ok (" rules check "$grl"
  "$lgraph" rules run "$grl" --facts @"$examples/$name.facts.json" --trace --output json >"$work/$name.json"
  python3 - "$work/$name.json" "$examples/$name.expected.json" <<'PY' || fail "$name: output differs from $name.expected.json"
import json, sys
got, want = (json.load(open(p)) for p in sys.argv[1:3])
if got != want:
    print("got: ", json.dumps(got, sort_keys=True), "\nwant:", json.dumps(want, sort_keys=True))
    sys.exit(1)
PY
done

printf 'rule A {\n  when Order.Qty > > 1\n  then Complete(); }\n' >"$work/syntax.grl"
expect 1 "syntax.grl:2:20: in the condition of rule \"A\"" rules check "$work/syntax.grl"
printf 'rule A { when true then Retract("Nope"); }\n' >"$work/retract.grl"
expect 1 "retracts \"Nope\", which is not a rule" rules check "$work/retract.grl"
expect 1 "cannot read the rule file" rules check "$work/missing.grl"
printf 'rule A { when Order.Qty > 1 then Log(Order.Qty); }\n' >"$work/ok.grl"
expect 1 "the facts must be a JSON object" rules run "$work/ok.grl" --facts '[1, 2]'
expect 1 "the facts must be a JSON object" rules run "$work/ok.grl" --facts '{"Order": '
expect 1 "cannot read the facts file" rules run "$work/ok.grl" --facts @"$work/none.json"
expect 1 "rule \"A\": in its condition: fact 'Order' is not set" rules run "$work/ok.grl"
expect 0 "log: 5" rules run "$work/ok.grl" --facts '{"Order": {"Qty": 5}}'
printf 'rule Up { when C.n >= 0 then C.n += 1; }\n' >"$work/loop.grl"
expect 1 "more than 20 firings; most often \"Up\"" rules run "$work/loop.grl" --facts '{"C": {"n": 0}}' --max-firings 20
echo "ok: lgraph rules"
