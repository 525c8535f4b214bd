// apps/lgraph/rules_batch.h: `lgraph rules run FILE.grl --batch FILE.jsonl`:
// many independent fact sets through one compiled rule file, one session
// each, as a service would run rules per request.
//
// Every non-empty input line is a JSON object of named facts. Each gives one
// output line: {"line": N, <rules_report.h's run_json>} or, when the line is
// not such an object or its run fails, {"line": N, "error": "..."}, with the
// same error on stderr as FILE:N: .... A failed line does not stop the rest.
#pragma once

#include <cstddef>
#include <cstdio>
#include <istream>
#include <memory>
#include <string>

#include "core/error.h"
#include "rules/engine/session.h"

namespace lgraph {

// Reads `in` (named `where` in errors) to its end; returns how many lines
// failed, or an error when `in` cannot be read.
core::Result<size_t> run_batch(const std::shared_ptr<const rules::engine::KnowledgeBase>& kb,
                               std::istream& in, const std::string& where, std::FILE* out,
                               const rules::engine::RunOptions& options);

}  // namespace lgraph
