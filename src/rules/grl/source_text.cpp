#include "rules/grl/source_text.h"

#include <algorithm>
#include <charconv>

#include "rules/expr/errors.h"

namespace rules::grl {
namespace {

bool is_word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

}  // namespace

SourceText::SourceText(std::string_view text, std::string file)
    : text_(text), file_(std::move(file)) {
  line_starts_.push_back(0);
  for (size_t i = 0; i < text_.size(); ++i) {
    if (text_[i] == '\n') line_starts_.push_back(i + 1);
  }
}

char SourceText::peek(size_t ahead) const {
  return at_ + ahead < text_.size() ? text_[at_ + ahead] : '\0';
}

core::Status SourceText::skip_blank() {
  while (!at_end()) {
    char c = peek();
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      ++at_;
    } else if (c == '/' && peek(1) == '/') {
      while (!at_end() && peek() != '\n')
        ++at_;
    } else if (c == '/' && peek(1) == '*') {
      size_t start = at_;
      size_t end = text_.find("*/", at_ + 2);
      if (end == std::string_view::npos) return error_at(start, "unterminated comment /*");
      at_ = end + 2;
    } else {
      break;
    }
  }
  return {};
}

std::string_view SourceText::read_word() {
  size_t start = at_;
  while (!at_end() &&
         (is_word_char(peek()) || (peek() == '-' && at_ > start && is_word_char(peek(1))))) {
    ++at_;
  }
  return text_.substr(start, at_ - start);
}

bool SourceText::accept(char c) {
  if (peek() != c || at_end()) return false;
  ++at_;
  return true;
}

core::Result<std::string> SourceText::read_string() {
  size_t start = at_;
  if (!accept('"')) return error("expected a quoted string, found " + describe_next());
  std::string out;
  while (!at_end()) {
    char c = text_[at_++];
    if (c == '"') return out;
    if (c == '\n') break;
    if (c != '\\') {
      out += c;
      continue;
    }
    char e = peek();
    ++at_;
    switch (e) {
      case '"':
      case '\\':
        out += e;
        break;
      case 'n':
        out += '\n';
        break;
      case 't':
        out += '\t';
        break;
      default:
        return error_at(at_ - 2, std::string("unknown escape \\") + e + " in a string");
    }
  }
  return error_at(start, "unterminated string");
}

core::Result<int> SourceText::read_int() {
  size_t start = at_;
  if (peek() == '-' || peek() == '+') ++at_;
  while (!at_end() && peek() >= '0' && peek() <= '9')
    ++at_;
  std::string_view digits = text_.substr(start, at_ - start);
  int value = 0;
  auto [end, ec] = std::from_chars(digits.data() + (digits.starts_with('+') ? 1 : 0),
                                   digits.data() + digits.size(), value);
  if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size()) {
    at_ = start;
    return error("expected an integer, found " + describe_next());
  }
  return value;
}

bool SourceText::stop_here(const std::vector<std::string_view>& stops, int depth) const {
  for (std::string_view s : stops) {
    if (text_.substr(at_, s.size()) != s) continue;
    // ',' and ')' end an argument only outside nested parentheses; the rest
    // (`then`, ';', '{', '}') never occur in an expression, so they end it
    // anywhere and an unclosed '(' is the expression parser's to report.
    if (depth > 0 && (s == "," || s == ")")) continue;
    bool word = is_word_char(s.front());
    if (!word) return true;
    bool before = at_ > 0 && is_word_char(text_[at_ - 1]);
    bool after = at_ + s.size() < text_.size() && is_word_char(text_[at_ + s.size()]);
    if (!before && !after) return true;
  }
  return false;
}

core::Result<std::string> SourceText::cut_expression(const std::vector<std::string_view>& stops,
                                                     std::string_view what) {
  size_t start = at_;
  std::string out;
  int depth = 0;
  while (!at_end()) {
    char c = peek();
    if (stop_here(stops, depth)) return out;
    if (c == '"' || c == '\'') {  // a string, copied whole
      size_t from = at_++;
      while (!at_end() && peek() != c && peek() != '\n')
        at_ += peek() == '\\' ? 2 : 1;
      if (at_end() || peek() != c) return error_at(from, "unterminated string");
      ++at_;
      out.append(text_.substr(from, at_ - from));
      continue;
    }
    if (c == '/' && (peek(1) == '/' || peek(1) == '*')) {  // a comment, blanked
      size_t from = at_;
      if (auto s = skip_blank(); !s) return s.error();
      for (size_t i = from; i < at_; ++i)
        out += text_[i] == '\n' ? '\n' : ' ';
      continue;
    }
    if (c == '(' || c == '[') ++depth;
    if ((c == ')' || c == ']') && --depth < 0) {
      return error("unbalanced '" + std::string(1, c) + "' in " + std::string(what));
    }
    out += c;
    ++at_;
  }
  return error_at(start, "the file ends inside " + std::string(what));
}

SourcePos SourceText::pos(size_t offset) const {
  auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
  size_t line = static_cast<size_t>(it - line_starts_.begin());
  return {static_cast<int>(line), static_cast<int>(offset - line_starts_[line - 1] + 1)};
}

core::Error SourceText::error_at(size_t offset, std::string message) const {
  SourcePos p = pos(offset);
  core::Error e(core::ErrorCode::kInvalidArgument, std::move(message));
  e.with_tag(expr::kExpressionErrorTag);
  e.with_file(file_, p.line, p.column);
  return e;
}

std::string SourceText::describe_next() const {
  if (at_end()) return "end of file";
  std::string_view next = text_.substr(at_, 12);
  next = next.substr(0, std::min(next.find('\n'), next.size()));
  return "'" + std::string(next) + "'";
}

}  // namespace rules::grl
