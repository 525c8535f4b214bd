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

# --batch: one session per line; a bad line is reported (output and stderr,
# with its line number) and the others still run; exit 1 if any failed.
printf 'rule Big { when Order.Qty > 10 then Order.Size = "big"; }\n' >"$work/size.grl"
printf '{"Order": {"Qty": 20}}\n\n{"Order": {"Qty": 2}}\n' >"$work/good.jsonl"
"$lgraph" rules run "$work/size.grl" --batch "$work/good.jsonl" >"$work/batch.out"
python3 - "$work/batch.out" <<'PY' || fail "--batch output"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
assert [l["line"] for l in lines] == [1, 3], lines
assert lines[0]["facts"]["Order"] == {"Qty": 20, "Size": "big"} and lines[0]["firings"] == 1, lines
assert lines[1]["facts"]["Order"] == {"Qty": 2} and lines[1]["firings"] == 0, lines
PY
printf '{"Order": {"Qty": 20}}\n[1]\n{"Order": \n{"Nope": 1}\n{"Order": {"Qty": 30}}\n' >"$work/bad.jsonl"
expect 1 "bad.jsonl:2: not a JSON object of named facts" rules run "$work/size.grl" --batch "$work/bad.jsonl"
grep -qF "bad.jsonl:3: not a JSON object" "$work/out" || fail "--batch: line 3 not reported"
grep -F "bad.jsonl:4: " "$work/out" | grep -qF "rule \"Big\": in its condition: fact 'Order' is not set" ||
  fail "--batch: line 4's runtime error not reported"
grep -qF "3 lines failed" "$work/out" || fail "--batch: no count of failed lines"
[[ $(grep -c '"Size":"big"' "$work/out") -eq 2 ]] || fail "--batch: the good lines around bad ones did not run"
"$lgraph" rules run "$work/size.grl" --batch - <"$work/good.jsonl" | grep -qF '"line":3' || fail "--batch -"
expect 1 "cannot read the batch file" rules run "$work/size.grl" --batch "$work/none.jsonl"
expect 108 "--facts excludes --batch" rules run "$work/size.grl" --batch "$work/good.jsonl" --facts '{}'
echo "ok: lgraph rules"
