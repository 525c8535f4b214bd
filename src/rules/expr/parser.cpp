#include "rules/expr/parser.h"

#include <algorithm>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "rules/expr/errors.h"
#include "rules/expr/functions.h"
#include "rules/expr/lexer.h"

namespace rules::expr {

namespace {

// Binding strength of the binary operators, low to high; 0 is "not binary".
constexpr int kPrecOr = 1;
constexpr int kPrecAnd = 2;
constexpr int kPrecEquality = 3;
constexpr int kPrecOrder = 4;
constexpr int kPrecIn = 5;
constexpr int kPrecAdd = 6;
constexpr int kPrecMul = 7;

struct BinaryOp {
  Op op = Op::kLiteral;
  int prec = 0;
  int tokens = 1;  // `not in` is two
};

class Parser {
 public:
  Parser(std::vector<Token> tokens, Program& program)
      : tokens_(std::move(tokens)), program_(program) {}

  core::Status parse() {
    if (peek().kind == TokenKind::kEnd) return expression_error(1, "empty expression");
    core::Status s = parse_binary(kPrecOr, program_.root);
    if (!s.is_ok()) return s;
    const Token& t = peek();
    if (t.kind == TokenKind::kEnd) return core::Status();
    if (t.kind == TokenKind::kRParen || t.kind == TokenKind::kRBracket) {
      return expression_error(t.column, "unmatched " + describe(t));
    }
    return expression_error(
        t.column, "expected an operator or the end of the expression, found " + describe(t));
  }

 private:
  const Token& peek(size_t ahead = 0) const {
    return tokens_[std::min(pos_ + ahead, tokens_.size() - 1)];
  }
  const Token& next() {
    const Token& t = peek();
    if (pos_ + 1 < tokens_.size()) ++pos_;
    return t;
  }

  BinaryOp binary_op() const {
    switch (peek().kind) {
      case TokenKind::kOr:
        return {Op::kOr, kPrecOr};
      case TokenKind::kAnd:
        return {Op::kAnd, kPrecAnd};
      case TokenKind::kEq:
        return {Op::kEq, kPrecEquality};
      case TokenKind::kNe:
        return {Op::kNe, kPrecEquality};
      case TokenKind::kLt:
        return {Op::kLt, kPrecOrder};
      case TokenKind::kLe:
        return {Op::kLe, kPrecOrder};
      case TokenKind::kGt:
        return {Op::kGt, kPrecOrder};
      case TokenKind::kGe:
        return {Op::kGe, kPrecOrder};
      case TokenKind::kIn:
        return {Op::kIn, kPrecIn};
      case TokenKind::kNot:
        if (peek(1).kind == TokenKind::kIn) return {Op::kNotIn, kPrecIn, 2};
        return {};
      case TokenKind::kPlus:
        return {Op::kAdd, kPrecAdd};
      case TokenKind::kMinus:
        return {Op::kSub, kPrecAdd};
      case TokenKind::kStar:
        return {Op::kMul, kPrecMul};
      case TokenKind::kSlash:
        return {Op::kDiv, kPrecMul};
      case TokenKind::kPercent:
        return {Op::kMod, kPrecMul};
      default:
        return {};
    }
  }

  // Appends a node whose children are `kids`, refusing trees taller than kMaxDepth.
  core::Status add(Node n, std::initializer_list<uint32_t> kids, uint32_t& out) {
    return add_with_height(n, height_of(kids.begin(), kids.end()), out);
  }
  core::Status add_with_height(Node n, int kid_height, uint32_t& out) {
    if (kid_height + 1 > kMaxDepth) return too_deep(n.column);
    n.height = static_cast<uint16_t>(kid_height + 1);
    out = static_cast<uint32_t>(program_.nodes.size());
    program_.nodes.push_back(n);
    return core::Status();
  }
  template <class It>
  int height_of(It begin, It end) const {
    int h = 0;
    for (It it = begin; it != end; ++it)
      h = std::max<int>(h, program_.nodes[*it].height);
    return h;
  }
  static core::Error too_deep(int column) {
    return expression_error(column, "expression is nested too deeply (more than " +
                                        std::to_string(kMaxDepth) +
                                        " levels of operators and brackets)");
  }

  // Left-associative precedence climbing: operators binding tighter than
  // `min_prec` are folded into the right operand by the recursive call.
  core::Status parse_binary(int min_prec, uint32_t& out) {
    core::Status s = parse_unary(out);
    if (!s.is_ok()) return s;
    while (true) {
      BinaryOp op = binary_op();
      if (op.prec == 0 || op.prec < min_prec) return core::Status();
      int column = peek().column;
      for (int i = 0; i < op.tokens; ++i)
        next();
      uint32_t rhs = 0;
      s = parse_binary(op.prec + 1, rhs);
      if (!s.is_ok()) return s;
      s = add(Node{.op = op.op, .column = column, .a = out, .b = rhs}, {out, rhs}, out);
      if (!s.is_ok()) return s;
    }
  }

  // Every level of nesting in the grammar passes through here, so counting
  // its depth bounds the parser's recursion.
  core::Status parse_unary(uint32_t& out) {
    if (depth_ >= kMaxDepth) return too_deep(peek().column);
    ++depth_;
    core::Status s = parse_unary_inner(out);
    --depth_;
    return s;
  }
  core::Status parse_unary_inner(uint32_t& out) {
    const Token& t = peek();
    if (t.kind != TokenKind::kNot && t.kind != TokenKind::kMinus) return parse_postfix(out);
    int column = t.column;
    Op op = t.kind == TokenKind::kNot ? Op::kNot : Op::kNeg;
    next();
    uint32_t operand = 0;
    core::Status s = parse_unary(operand);
    if (!s.is_ok()) return s;
    if (op == Op::kNeg && fold_negative_literal(operand)) {
      out = operand;
      return core::Status();
    }
    return add(Node{.op = op, .column = column, .a = operand}, {operand}, out);
  }

  // `-5` becomes the literal -5, so `x > -1` compares against a constant.
  bool fold_negative_literal(uint32_t node) {
    const Node& n = program_.nodes[node];
    if (n.op != Op::kLiteral) return false;
    Json& v = program_.literals[n.a];
    if (v.is_number_integer() && v.get<int64_t>() >= 0) {
      v = -v.get<int64_t>();  // the lexer only makes non-negative int64s
      return true;
    }
    if (v.is_number_float()) {
      v = -v.get<double>();
      return true;
    }
    return false;
  }

  core::Status parse_postfix(uint32_t& out) {
    core::Status s = parse_primary(out);
    while (s.is_ok()) {
      const Token& t = peek();
      if (t.kind == TokenKind::kDot) {
        next();
        const Token& name = peek();
        if (!is_name(name)) {
          return expression_error(name.column,
                                  "expected a member name after '.', found " + describe(name));
        }
        next();
        // A method call: `x.ToUpper()` is `ToUpper(x)`.
        if (peek().kind == TokenKind::kLParen) {
          s = parse_call(name, &out, out);
          continue;
        }
        program_.names.emplace_back(name.text);
        uint32_t index = static_cast<uint32_t>(program_.names.size() - 1);
        s = add(Node{.op = Op::kMember, .column = name.column, .a = out, .b = index}, {out}, out);
      } else if (t.kind == TokenKind::kLBracket) {
        int column = t.column;
        next();
        uint32_t index = 0;
        s = parse_binary(kPrecOr, index);
        if (s.is_ok()) s = expect_close(TokenKind::kRBracket, "']'", "'['", column);
        if (s.is_ok()) {
          s = add(Node{.op = Op::kIndex, .column = column, .a = out, .b = index}, {out, index},
                  out);
        }
      } else {
        return core::Status();
      }
    }
    return s;
  }

  // Keywords are valid member names: `request.in` reads a member called "in".
  static bool is_name(const Token& t) {
    switch (t.kind) {
      case TokenKind::kIdent:
      case TokenKind::kTrue:
      case TokenKind::kFalse:
      case TokenKind::kNull:
      case TokenKind::kAnd:
      case TokenKind::kOr:
      case TokenKind::kIn:
        return true;
      case TokenKind::kNot:
        return !t.text.empty() && t.text[0] == 'n';
      default:
        return false;
    }
  }

  core::Status expect_close(TokenKind kind, const char* close, const char* open, int open_column) {
    const Token& t = peek();
    if (t.kind == kind) {
      next();
      return core::Status();
    }
    return expression_error(t.column, std::string("expected ") + close + " to close " + open +
                                          " at column " + std::to_string(open_column) + ", found " +
                                          describe(t));
  }

  core::Status literal(Json value, int column, uint32_t& out) {
    program_.literals.push_back(std::move(value));
    uint32_t index = static_cast<uint32_t>(program_.literals.size() - 1);
    return add(Node{.op = Op::kLiteral, .column = column, .a = index}, {}, out);
  }

  core::Status parse_primary(uint32_t& out) {
    const Token& t = peek();
    int column = t.column;
    switch (t.kind) {
      case TokenKind::kInt:
        next();
        return literal(t.int_value, column, out);
      case TokenKind::kFloat:
        next();
        return literal(t.float_value, column, out);
      case TokenKind::kString:
        next();
        return literal(t.string_value, column, out);
      case TokenKind::kTrue:
        next();
        return literal(true, column, out);
      case TokenKind::kFalse:
        next();
        return literal(false, column, out);
      case TokenKind::kNull:
        next();
        return literal(nullptr, column, out);
      case TokenKind::kIdent:
        next();
        if (peek().kind == TokenKind::kLParen) return parse_call(t, nullptr, out);
        return add(Node{.op = Op::kKey, .column = column, .a = key_index(t.text)}, {}, out);
      case TokenKind::kLParen: {
        next();
        core::Status s = parse_binary(kPrecOr, out);
        if (!s.is_ok()) return s;
        return expect_close(TokenKind::kRParen, "')'", "'('", column);
      }
      case TokenKind::kLBracket:
        return parse_array(out);
      default:
        return expression_error(column, "expected a value, found " + describe(t));
    }
  }

  uint32_t key_index(std::string_view key) {
    auto it = std::find(program_.keys.begin(), program_.keys.end(), key);
    if (it == program_.keys.end()) it = program_.keys.emplace(it, key);
    return static_cast<uint32_t>(it - program_.keys.begin());
  }

  // Items up to the closing token after an opening one (already consumed).
  core::Status parse_list(TokenKind close, const char* close_text, const char* open_text,
                          int open_column, std::vector<uint32_t>& items) {
    if (peek().kind == close) {
      next();
      return core::Status();
    }
    while (true) {
      uint32_t item = 0;
      core::Status s = parse_binary(kPrecOr, item);
      if (!s.is_ok()) return s;
      items.push_back(item);
      const Token& t = peek();
      if (t.kind == TokenKind::kComma) {
        next();
      } else if (t.kind == close) {
        next();
        return core::Status();
      } else {
        return expression_error(
            t.column, std::string("expected ',' or ") + close_text + " to close " + open_text +
                          " at column " + std::to_string(open_column) + ", found " + describe(t));
      }
    }
  }

  // Appends the operands contiguously: nested lists were parsed in between.
  uint32_t append_args(const std::vector<uint32_t>& items) {
    uint32_t first = static_cast<uint32_t>(program_.args.size());
    program_.args.insert(program_.args.end(), items.begin(), items.end());
    return first;
  }

  core::Status parse_array(uint32_t& out) {
    int column = next().column;
    std::vector<uint32_t> items;
    core::Status s = parse_list(TokenKind::kRBracket, "']'", "'['", column, items);
    if (!s.is_ok()) return s;
    // An array of constants, the usual right side of `in`, is one literal.
    bool constant = std::all_of(items.begin(), items.end(), [this](uint32_t i) {
      return program_.nodes[i].op == Op::kLiteral;
    });
    if (constant) {
      Json array = Json::array();
      for (uint32_t i : items)
        array.push_back(program_.literals[program_.nodes[i].a]);
      return literal(std::move(array), column, out);
    }
    Node n{.op = Op::kArray,
           .column = column,
           .a = append_args(items),
           .b = static_cast<uint32_t>(items.size())};
    return add_with_height(n, height_of(items.begin(), items.end()), out);
  }

  // A call of `name` (its '(' next). With a receiver, a method call: the
  // receiver is the first argument, and the counts in messages leave it out.
  core::Status parse_call(const Token& name, const uint32_t* receiver, uint32_t& out) {
    const FunctionInfo* f = find_function(name.text);
    if (f == nullptr) {
      return expression_error(
          name.column, std::string(receiver ? "unknown method '" : "unknown function '") +
                           std::string(name.text) + "'; the functions are " + function_names());
    }
    const int self = receiver ? 1 : 0;
    if (receiver && (f->min_args == 0 || f->fn == Function::kExists)) {
      return expression_error(name.column,
                              std::string(f->name) + "() is not a method: call it as a function");
    }
    int open_column = next().column;
    std::vector<uint32_t> items;
    if (receiver) items.push_back(*receiver);
    core::Status s = parse_list(TokenKind::kRParen, "')'", "'('", open_column, items);
    if (!s.is_ok()) return s;
    int n = static_cast<int>(items.size());
    if (n < f->min_args || n > f->max_args) {
      int low = f->min_args - self, high = f->max_args - self;
      std::string wanted =
          low == high ? std::to_string(low) : std::to_string(low) + " to " + std::to_string(high);
      return expression_error(name.column,
                              std::string(f->name) + "() takes " + wanted + " argument" +
                                  (high == 1 ? "" : "s") +
                                  (receiver ? " after the value it is called on" : "") + ", got " +
                                  std::to_string(n - self));
    }
    if (f->fn == Function::kExists && !is_path_or_string(items[0])) {
      return expression_error(program_.nodes[items[0]].column,
                              "exists() takes a Context key or a path like user.age, or a key "
                              "name in quotes");
    }
    if (f->fn == Function::kExists && program_.nodes[items[0]].op == Op::kLiteral) {
      key_index(program_.literals[program_.nodes[items[0]].a].get_ref<const std::string&>());
    }
    Node node{.op = Op::kCall,
              .fn = f->fn,
              .column = name.column,
              .a = append_args(items),
              .b = static_cast<uint32_t>(items.size())};
    return add_with_height(node, height_of(items.begin(), items.end()), out);
  }

  bool is_path_or_string(uint32_t i) const {
    const Node& n = program_.nodes[i];
    if (n.op == Op::kLiteral) return program_.literals[n.a].is_string();
    while (program_.nodes[i].op == Op::kMember || program_.nodes[i].op == Op::kIndex)
      i = program_.nodes[i].a;
    return program_.nodes[i].op == Op::kKey;
  }

  std::vector<Token> tokens_;
  size_t pos_ = 0;
  int depth_ = 0;
  Program& program_;
};

}  // namespace

core::Result<Program> parse_program(std::string_view source) {
  if (source.size() > kMaxSourceLength) {
    return expression_error(1, "expression is " + std::to_string(source.size()) +
                                   " bytes long; the limit is " + std::to_string(kMaxSourceLength));
  }
  core::Result<std::vector<Token>> tokens = tokenize(source);
  if (!tokens.is_ok()) return tokens.error();
  Program program;
  program.source = std::string(source);
  Parser parser(std::move(tokens).value(), program);
  core::Status s = parser.parse();
  if (!s.is_ok()) return s.error();
  return program;
}

}  // namespace rules::expr
