#include "rules/expr/lexer.h"

#include <charconv>
#include <system_error>

#include "rules/expr/errors.h"

namespace rules::expr {

namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_ident_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool is_ident_char(char c) {
  return is_ident_start(c) || is_digit(c);
}
bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

struct Keyword {
  std::string_view word;
  TokenKind kind;
};
constexpr Keyword kKeywords[] = {
    {"true", TokenKind::kTrue}, {"false", TokenKind::kFalse}, {"null", TokenKind::kNull},
    {"nil", TokenKind::kNull},  {"and", TokenKind::kAnd},     {"or", TokenKind::kOr},
    {"not", TokenKind::kNot},   {"in", TokenKind::kIn},
};

struct Punct {
  std::string_view text;
  TokenKind kind;
};
// Two-character operators first, so "<=" is not read as "<" then "=".
constexpr Punct kPuncts[] = {
    {"==", TokenKind::kEq},      {"!=", TokenKind::kNe},     {"<=", TokenKind::kLe},
    {">=", TokenKind::kGe},      {"&&", TokenKind::kAnd},    {"||", TokenKind::kOr},
    {"(", TokenKind::kLParen},   {")", TokenKind::kRParen},  {"[", TokenKind::kLBracket},
    {"]", TokenKind::kRBracket}, {",", TokenKind::kComma},   {".", TokenKind::kDot},
    {"+", TokenKind::kPlus},     {"-", TokenKind::kMinus},   {"*", TokenKind::kStar},
    {"/", TokenKind::kSlash},    {"%", TokenKind::kPercent}, {"<", TokenKind::kLt},
    {">", TokenKind::kGt},       {"!", TokenKind::kNot},
};

int column_of(size_t offset) {
  return static_cast<int>(offset) + 1;
}

// Scans a number at src[i]: digits, an optional fraction (a '.' must be
// followed by a digit, so `items[0].price` stays a path) and exponent.
core::Status lex_number(std::string_view src, size_t& i, Token& t) {
  size_t start = i;
  bool is_float = false;
  while (i < src.size() && is_digit(src[i]))
    ++i;
  if (i + 1 < src.size() && src[i] == '.' && is_digit(src[i + 1])) {
    is_float = true;
    i += 2;
    while (i < src.size() && is_digit(src[i]))
      ++i;
  }
  if (i < src.size() && (src[i] == 'e' || src[i] == 'E')) {
    size_t j = i + 1;
    if (j < src.size() && (src[j] == '+' || src[j] == '-')) ++j;
    if (j < src.size() && is_digit(src[j])) {
      is_float = true;
      i = j;
      while (i < src.size() && is_digit(src[i]))
        ++i;
    }
  }
  if (i < src.size() && is_ident_char(src[i])) {
    while (i < src.size() && is_ident_char(src[i]))
      ++i;
    return expression_error(column_of(start),
                            "invalid number '" + std::string(src.substr(start, i - start)) + "'");
  }
  const char* first = src.data() + start;
  const char* last = src.data() + i;
  std::from_chars_result r;
  if (is_float) {
    t.kind = TokenKind::kFloat;
    r = std::from_chars(first, last, t.float_value);
  } else {
    t.kind = TokenKind::kInt;
    r = std::from_chars(first, last, t.int_value);
  }
  if (r.ec != std::errc() || r.ptr != last) {
    return expression_error(column_of(start), "number '" + std::string(first, last) +
                                                  "' is out of range for a 64-bit " +
                                                  (is_float ? "float" : "integer"));
  }
  return core::Status();
}

// Scans a quoted string at src[i] and decodes its escapes.
core::Status lex_string(std::string_view src, size_t& i, Token& t) {
  size_t start = i;
  char quote = src[i++];
  t.kind = TokenKind::kString;
  while (true) {
    if (i >= src.size()) {
      return expression_error(column_of(start),
                              std::string("unterminated string: the ") + quote + " at column " +
                                  std::to_string(column_of(start)) + " is never closed");
    }
    char c = src[i];
    if (c == quote) {
      ++i;
      return core::Status();
    }
    if (c != '\\') {
      t.string_value += c;
      ++i;
      continue;
    }
    if (i + 1 >= src.size()) {  // a trailing backslash: report it as unterminated
      i = src.size();
      continue;
    }
    switch (src[i + 1]) {
      case '"':
        t.string_value += '"';
        break;
      case '\'':
        t.string_value += '\'';
        break;
      case '\\':
        t.string_value += '\\';
        break;
      case 'n':
        t.string_value += '\n';
        break;
      case 't':
        t.string_value += '\t';
        break;
      case 'r':
        t.string_value += '\r';
        break;
      default:
        return expression_error(column_of(i), std::string("unknown escape '\\") + src[i + 1] +
                                                  "' in string; the escapes are \\\" \\' "
                                                  "\\\\ \\n \\t \\r");
    }
    i += 2;
  }
}

core::Status lex_punct(std::string_view src, size_t& i, Token& t) {
  std::string_view rest = src.substr(i);
  for (const Punct& p : kPuncts) {
    if (rest.starts_with(p.text)) {
      t.kind = p.kind;
      i += p.text.size();
      return core::Status();
    }
  }
  int column = column_of(i);
  switch (src[i]) {
    case '=':
      return expression_error(column, "unexpected '='; compare with '=='");
    case '&':
      return expression_error(column, "unexpected '&'; the logical and is '&&'");
    case '|':
      return expression_error(column, "unexpected '|'; the logical or is '||'");
    default:
      return expression_error(column, std::string("unexpected character '") + src[i] + "'");
  }
}

}  // namespace

core::Result<std::vector<Token>> tokenize(std::string_view source) {
  std::vector<Token> tokens;
  size_t i = 0;
  while (true) {
    while (i < source.size() && is_space(source[i]))
      ++i;
    Token t;
    t.column = column_of(i);
    if (i == source.size()) {
      tokens.push_back(std::move(t));
      return tokens;
    }
    size_t start = i;
    char c = source[i];
    core::Status s;
    if (is_digit(c)) {
      s = lex_number(source, i, t);
    } else if (c == '"' || c == '\'') {
      s = lex_string(source, i, t);
    } else if (is_ident_start(c)) {
      while (i < source.size() && is_ident_char(source[i]))
        ++i;
      t.kind = TokenKind::kIdent;
      for (const Keyword& k : kKeywords) {
        if (source.substr(start, i - start) == k.word) t.kind = k.kind;
      }
    } else {
      s = lex_punct(source, i, t);
    }
    if (!s.is_ok()) return s.error();
    t.text = source.substr(start, i - start);
    tokens.push_back(std::move(t));
  }
}

std::string describe(const Token& token) {
  if (token.kind == TokenKind::kEnd) return "end of expression";
  constexpr size_t kShown = 24;
  if (token.text.size() > kShown) return "'" + std::string(token.text.substr(0, kShown)) + "...'";
  return "'" + std::string(token.text) + "'";
}

}  // namespace rules::expr
