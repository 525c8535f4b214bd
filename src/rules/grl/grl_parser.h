// rules/grl/grl_parser.h: GRL text -> RuleSet (rule_set.h).
//
// Errors name the file, line and column and say what was expected there
// ("expected 'then' in rule \"Discount\", found 'than'"); an error inside an
// expression points at the character within it. Two rules with one name, an
// unknown action, an unknown attribute, if blocks nested deeper than 32 and
// files over 16 MiB are errors too.
#pragma once

#include <string>
#include <string_view>

#include "core/error.h"
#include "rules/grl/rule_set.h"

namespace rules::grl {

core::Result<RuleSet> parse_grl(std::string_view text, const std::string& file);

// Reads and parses a .grl file.
core::Result<RuleSet> load_grl(const std::string& path);

}  // namespace rules::grl
