// graph/model/suggest.h: "did you mean ...?" for misspelt field and kind names.
//
// Graph files are written by hand, and a misspelt optional field would
// otherwise be silently ignored. The loader rejects unknown names and offers
// the closest known one when it is close enough to be a plausible typo.
#pragma once

#include <optional>
#include <span>
#include <string_view>

namespace graph {

// The candidate nearest to `word` by edit distance (Levenshtein, ignoring
// ASCII case), if that distance is at most 2 and smaller than `word` itself;
// ties go to the earlier candidate.
std::optional<std::string_view> closest_name(std::string_view word,
                                             std::span<const std::string_view> candidates);

}  // namespace graph
