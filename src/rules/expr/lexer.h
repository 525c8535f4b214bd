// rules/expr/lexer.h: splits expression source into tokens.
//
// The whole source is tokenized before parsing: expressions are short and a
// token vector lets the parser look one token ahead (for `name(` and `not in`)
// without a stateful scanner. Literal values are decoded here, so string
// escapes and out-of-range numbers are reported at their own column.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace rules::expr {

enum class TokenKind : uint8_t {
  kEnd,
  kInt,
  kFloat,
  kString,
  kIdent,
  kTrue,
  kFalse,
  kNull,
  kAnd,  // && and the keyword `and`
  kOr,   // || and `or`
  kNot,  // !  and `not`
  kIn,
  kLParen,
  kRParen,
  kLBracket,
  kRBracket,
  kComma,
  kDot,
  kPlus,
  kMinus,
  kStar,
  kSlash,
  kPercent,
  kEq,
  kNe,
  kLt,
  kLe,
  kGt,
  kGe,
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  int column = 0;         // 1-based byte column of the first character
  std::string_view text;  // the source text, for messages and names
  int64_t int_value = 0;
  double float_value = 0;
  std::string string_value;  // decoded, for kString
};

// The tokens of `source`, ending with one kEnd token; E003 at the offending
// column for an unknown character, a bad escape, an unterminated string or an
// out-of-range number.
core::Result<std::vector<Token>> tokenize(std::string_view source);

// "end of expression" or the token's text in quotes, for messages.
std::string describe(const Token& token);

}  // namespace rules::expr
