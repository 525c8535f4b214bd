// apps/lgraph/rules_report.h: a rule run as JSON, for `lgraph rules run
// --output json` and for each line of `--batch`:
//
//   {"facts": {...final facts...}, "firings": N, "completed": bool,
//    "log": ["...", ...], "trace": [...]}      ("trace" only when asked for)
//
// A trace entry: {"firing": N, "rule": "...", "salience": N, "because":
// "<condition text>", "changed": ["Fact.field", ...], "retracted": [...]}.
#pragma once

#include "rules/engine/session.h"

namespace lgraph {

// The session's facts as one JSON object of named facts.
rules::expr::Json facts_json(const rules::expr::ObjectScope& facts);

rules::expr::Json run_json(const rules::engine::Session& session,
                           const rules::engine::RunResult& result, bool with_trace);

}  // namespace lgraph
