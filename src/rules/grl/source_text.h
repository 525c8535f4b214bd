// rules/grl/source_text.h: a cursor over GRL source for the parser.
//
// It skips whitespace and comments, reads the small tokens of the rule
// structure (words, quoted strings, integers, punctuation) and cuts out the
// text of an embedded expression up to its terminator, which the expression
// parser then compiles. Comments inside an expression become spaces of the
// same length, so an expression's columns map straight back to the file.
// Positions are byte offsets; pos() turns one into line and column.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "rules/grl/rule_set.h"

namespace rules::grl {

class SourceText {
 public:
  SourceText(std::string_view text, std::string file);

  // Skips whitespace and comments; an unterminated /* is an error.
  core::Status skip_blank();
  bool at_end() const { return at_ >= text_.size(); }
  size_t offset() const { return at_; }
  // Back to an offset offset() returned (a parser looking ahead).
  void seek(size_t offset) { at_ = offset; }
  char peek(size_t ahead = 0) const;

  // A word: letters, digits, '_' and '-' inside (for `no-loop`); empty when
  // none starts here.
  std::string_view read_word();
  // Consumes `c` when it is next.
  bool accept(char c);
  // A double-quoted string with \" \\ \n \t escapes, decoded.
  core::Result<std::string> read_string();
  // An optionally signed decimal integer that fits an int.
  core::Result<int> read_int();

  // The text from here to the first of `stops` outside strings and comments
  // (',' and ')' also outside parentheses and brackets), with comments
  // blanked out. A stop that is a
  // word (`then`) matches only as a whole word. The cursor stays at the stop.
  // An error when the text ends first.
  core::Result<std::string> cut_expression(const std::vector<std::string_view>& stops,
                                           std::string_view what);

  SourcePos pos(size_t offset) const;
  SourcePos pos() const { return pos(at_); }
  // An error tagged as a rule-file error, at `offset`.
  core::Error error_at(size_t offset, std::string message) const;
  core::Error error(std::string message) const { return error_at(at_, std::move(message)); }
  // "end of file" or the next few characters in quotes, for messages.
  std::string describe_next() const;
  const std::string& file() const { return file_; }

 private:
  bool stop_here(const std::vector<std::string_view>& stops, int depth) const;

  std::string_view text_;
  std::string file_;
  size_t at_ = 0;
  std::vector<size_t> line_starts_;
};

}  // namespace rules::grl
