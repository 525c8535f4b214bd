// rules/expr/program.h: an expression compiled into a flat tree.
//
// The parser appends nodes to one vector and children refer to each other by
// index, so a compiled expression is a handful of vectors whatever its size:
// it is built once, shared read-only between copies of an Expression, and
// walked without re-reading the source. Internal to expr/.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "rules/expr/scope.h"

namespace rules::expr {

// The deepest tree the parser builds. Evaluation recurses once per level, so
// this bounds its stack use; hostile input is refused rather than overflowing.
inline constexpr int kMaxDepth = 256;
// The most arguments a call may take (min/max of more take one array).
inline constexpr int kMaxArgs = 16;
// The longest source accepted, so columns fit an int and parsing stays quick.
inline constexpr size_t kMaxSourceLength = 64 * 1024;

enum class Op : uint8_t {
  kLiteral,  // literals[a]
  kKey,      // the Context value under keys[a]
  kMember,   // node a, then its member names[b]
  kIndex,    // node a indexed by node b
  kArray,    // an array of the nodes args[a, a + b)
  kCall,     // `fn` applied to the nodes args[a, a + b)
  kNot,      // unary on node a
  kNeg,
  kAnd,  // binary on nodes a and b; && and || evaluate b only when needed
  kOr,
  kEq,
  kNe,
  kLt,
  kLe,
  kGt,
  kGe,
  kIn,
  kNotIn,
  kAdd,
  kSub,
  kMul,
  kDiv,
  kMod,
};

enum class Function : uint8_t {
  kNone,
  kLen,
  kMin,
  kMax,
  kAbs,
  kLower,
  kUpper,
  kContains,
  kExists,
  kStartsWith,
  kRound,
  kNow,
};

struct Node {
  Op op;
  Function fn = Function::kNone;
  uint16_t height = 1;  // 1 for a leaf; at most kMaxDepth
  int32_t column = 0;   // 1-based byte column in the source, for errors
  uint32_t a = 0;
  uint32_t b = 0;
};

struct Program {
  std::string source;
  std::vector<Node> nodes;
  std::vector<Json> literals;
  std::vector<std::string> keys;  // top-level Context keys, in first-use order
  // What the expression reads, as finely as the source says: "key.member"
  // for a member read straight off a key, "key" for any other use of it.
  std::vector<std::string> read_paths;
  std::vector<std::string> names;  // member names after '.'
  std::vector<uint32_t> args;      // operands of calls and array literals
  uint32_t root = 0;
};

// The operator as the user writes it, for messages: "+", "&&", "not in".
inline const char* op_symbol(Op op) {
  switch (op) {
    case Op::kNot:
      return "!";
    case Op::kNeg:
      return "-";
    case Op::kAnd:
      return "&&";
    case Op::kOr:
      return "||";
    case Op::kEq:
      return "==";
    case Op::kNe:
      return "!=";
    case Op::kLt:
      return "<";
    case Op::kLe:
      return "<=";
    case Op::kGt:
      return ">";
    case Op::kGe:
      return ">=";
    case Op::kIn:
      return "in";
    case Op::kNotIn:
      return "not in";
    case Op::kAdd:
      return "+";
    case Op::kSub:
      return "-";
    case Op::kMul:
      return "*";
    case Op::kDiv:
      return "/";
    case Op::kMod:
      return "%";
    case Op::kLiteral:
    case Op::kKey:
    case Op::kMember:
    case Op::kIndex:
    case Op::kArray:
    case Op::kCall:
      break;
  }
  return "?";
}

}  // namespace rules::expr
