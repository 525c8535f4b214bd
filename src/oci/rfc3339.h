// oci/rfc3339.h: the RFC 3339 date-time check for `created` fields.
//
// Image configs and history entries carry their times as text; this checks
// the grammar (section 5.6) and the ranges of every part, so a later reader
// that converts them does not meet surprises. Times are kept as text.
#pragma once

#include <string_view>

namespace oci {

// "2015-10-31T22:22:56.015925234Z", "2019-01-01T00:00:00+01:00": date "T"
// time, optional fraction, then "Z" or an offset. "t" and "z" are accepted
// (RFC 3339 allows lower case); a space instead of "T" is not.
bool is_rfc3339(std::string_view text);

}  // namespace oci
