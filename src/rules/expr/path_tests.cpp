#include "rules/expr/path_tests.h"

#include "rules/expr/operations.h"

namespace rules::expr {

namespace {

const Json kNull;

// Node `i` as a path: a key then members.
bool as_path(const Program& p, uint32_t i, PathTest& out) {
  std::vector<std::string> reversed;
  while (p.nodes[i].op == Op::kMember) {
    reversed.push_back(p.names[p.nodes[i].b]);
    i = p.nodes[i].a;
  }
  if (p.nodes[i].op != Op::kKey) return false;
  out.key = p.keys[p.nodes[i].a];
  out.members.assign(reversed.rbegin(), reversed.rend());
  return true;
}

bool is_test_op(Op op) {
  switch (op) {
    case Op::kEq:
    case Op::kNe:
    case Op::kLt:
    case Op::kLe:
    case Op::kGt:
    case Op::kGe:
      return true;
    default:
      return false;
  }
}

// Appends the tests of node `i`, in evaluation order.
bool collect(const Program& p, uint32_t i, std::vector<PathTest>& out) {
  const Node& n = p.nodes[i];
  if (n.op == Op::kAnd) return collect(p, n.a, out) && collect(p, n.b, out);
  if (!is_test_op(n.op) || p.nodes[n.b].op != Op::kLiteral) return false;
  PathTest test;
  if (!as_path(p, n.a, test)) return false;
  test.op = n.op;
  test.literal = p.literals[p.nodes[n.b].a];
  out.push_back(std::move(test));
  return true;
}

}  // namespace

std::optional<std::vector<PathTest>> path_tests(const Expression& e) {
  const Program& p = e.program();
  std::vector<PathTest> tests;
  if (p.nodes.empty() || !collect(p, p.root, tests)) return std::nullopt;
  return tests;
}

const Json* resolve_path(const Scope& scope, const std::string& key,
                         const std::vector<std::string>& members) {
  const Json* v = scope.find(key);
  if (v == nullptr) return nullptr;  // "not set": the expression's error
  for (const std::string& name : members) {
    if (v->is_object()) {
      auto it = v->find(name);
      v = it == v->end() ? &kNull : &*it;
    } else if (!v->is_null()) {
      return nullptr;  // a member of a number, string or array: an error
    }
  }
  return v;
}

std::optional<bool> run_test(Op op, const Json& value, const Json& literal) {
  if (op == Op::kEq) return equal(value, literal);
  if (op == Op::kNe) return !equal(value, literal);
  // compare() accepts two numbers or two strings; anything else is an error
  // the expression reports itself.
  const bool numbers = value.is_number() && literal.is_number();
  const bool strings = value.is_string() && literal.is_string();
  if (!numbers && !strings) return std::nullopt;
  bool out = false;
  if (!compare(op, value, literal, 0, out).is_ok()) return std::nullopt;
  return out;
}

}  // namespace rules::expr
