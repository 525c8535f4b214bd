#include "rules/expr/evaluator.h"

#include <array>
#include <span>
#include <string>

#include "rules/expr/errors.h"
#include "rules/expr/functions.h"
#include "rules/expr/operations.h"

namespace rules::expr {

namespace {

// Shared constants, so bool results are borrowed, not built.
const Json kTrue(true);
const Json kFalse(false);

const Json& boolean(bool b) {
  return b ? kTrue : kFalse;
}

class Evaluator {
 public:
  Evaluator(const Program& program, const Scope& ctx) : p_(program), ctx_(ctx) {}

  core::Status eval(uint32_t index, Value& out) {
    const Node& n = p_.nodes[index];
    switch (n.op) {
      case Op::kLiteral:
        out.borrow(p_.literals[n.a]);
        return core::Status();
      case Op::kKey: {
        const Json* v = ctx_.find(p_.keys[n.a]);
        if (v == nullptr) return missing_key(n);
        out.borrow(*v);
        return core::Status();
      }
      case Op::kMember:
      case Op::kIndex: {
        Value base;
        core::Status s = eval(n.a, base);
        if (!s.is_ok()) return s;
        return navigate(n, base, out);
      }
      case Op::kArray:
        return eval_array(n, out);
      case Op::kCall:
        return n.fn == Function::kExists ? eval_exists(n, out) : eval_call(n, out);
      case Op::kNot: {
        bool b = false;
        core::Status s = eval_bool(n.a, n, "operand", b);
        if (s.is_ok()) out.borrow(boolean(!b));
        return s;
      }
      case Op::kNeg: {
        Value v;
        core::Status s = eval(n.a, v);
        if (!s.is_ok()) return s;
        return negate(v.get(), n.column, out.own());
      }
      case Op::kAnd:
      case Op::kOr: {
        bool b = false;
        core::Status s = eval_bool(n.a, n, "left side", b);
        if (!s.is_ok()) return s;
        if (b == (n.op == Op::kOr)) {  // false && _, true || _
          out.borrow(boolean(b));
          return s;
        }
        s = eval_bool(n.b, n, "right side", b);
        if (s.is_ok()) out.borrow(boolean(b));
        return s;
      }
      default:
        return eval_binary(n, out);
    }
  }

 private:
  core::Status eval_binary(const Node& n, Value& out) {
    Value l, r;
    core::Status s = eval(n.a, l);
    if (s.is_ok()) s = eval(n.b, r);
    if (!s.is_ok()) return s;
    bool b = false;
    switch (n.op) {
      case Op::kEq:
      case Op::kNe:
        out.borrow(boolean(equal(l.get(), r.get()) == (n.op == Op::kEq)));
        return s;
      case Op::kLt:
      case Op::kLe:
      case Op::kGt:
      case Op::kGe:
        s = compare(n.op, l.get(), r.get(), n.column, b);
        if (s.is_ok()) out.borrow(boolean(b));
        return s;
      case Op::kIn:
      case Op::kNotIn:
        s = contains(r.get(), l.get(), n.column, n.op == Op::kIn ? "'in'" : "'not in'", b);
        if (s.is_ok()) out.borrow(boolean(b == (n.op == Op::kIn)));
        return s;
      default:
        return arithmetic(n.op, l.get(), r.get(), n.column, out.own());
    }
  }

  // && || ! take booleans only: there is no truthiness, so `amount && ok` is
  // reported instead of quietly meaning "amount is not zero".
  core::Status eval_bool(uint32_t index, const Node& op, const char* side, bool& out) {
    Value v;
    core::Status s = eval(index, v);
    if (!s.is_ok()) return s;
    if (!v.get().is_boolean()) {
      return expression_error(op.column, std::string("'") + op_symbol(op.op) +
                                             "' needs a boolean " + side + ", got " +
                                             v.get().type_name());
    }
    out = v.get().get<bool>();
    return s;
  }

  core::Error missing_key(const Node& n) const {
    const std::string& key = p_.keys[n.a];
    core::Error e = context_error(n.column, "context key '" + key + "' is not set");
    e.with_suggestion("set '" + key + "' before this expression runs, or guard it with exists(" +
                      key + ")");
    return e;
  }

  // base.name or base[index]. Missing members, indexes out of range and any
  // step through null give null, so optional data reads as null; stepping into
  // a value that has no members or elements is a type error.
  core::Status navigate(const Node& n, const Value& base, Value& out) {
    const Json& b = base.get();
    const Json* found = &kNullJson;
    if (n.op == Op::kMember) {
      const std::string& name = p_.names[n.b];
      if (b.is_object()) {
        auto it = b.find(name);
        if (it != b.end()) found = &*it;
      } else if (!b.is_null()) {
        return expression_error(n.column, "cannot read member '" + name + "' of " + b.type_name());
      }
    } else {
      Value index;
      core::Status s = eval(n.b, index);
      if (!s.is_ok()) return s;
      const Json& i = index.get();
      if (b.is_array() && i.is_number()) {
        if (!i.is_number_integer()) {
          return expression_error(n.column, "array index must be an integer, got " + i.dump());
        }
        Number k;
        as_number(i, k);
        if (k.is_int && k.i >= 0 && static_cast<uint64_t>(k.i) < b.size()) found = &b[k.i];
      } else if (b.is_object() && i.is_string()) {
        auto it = b.find(i.get_ref<const std::string&>());
        if (it != b.end()) found = &*it;
      } else if (!b.is_null()) {
        return expression_error(n.column, std::string("cannot index ") + b.type_name() + " with " +
                                              i.type_name() +
                                              "; arrays take integers and objects take strings");
      }
    }
    // A part of a computed value must be copied out before that value dies.
    if (base.borrowed() || found == &kNullJson) {
      out.borrow(*found);
    } else {
      out.own(*found);
    }
    return core::Status();
  }

  core::Status eval_array(const Node& n, Value& out) {
    Json array = Json::array();
    for (uint32_t i = 0; i < n.b; ++i) {
      Value v;
      core::Status s = eval(p_.args[n.a + i], v);
      if (!s.is_ok()) return s;
      array.push_back(v.release());
    }
    out.own(std::move(array));
    return core::Status();
  }

  core::Status eval_call(const Node& n, Value& out) {
    std::array<Value, kMaxArgs> args;
    for (uint32_t i = 0; i < n.b; ++i) {
      core::Status s = eval(p_.args[n.a + i], args[i]);
      if (!s.is_ok()) return s;
    }
    return call_function(n.fn, std::span<const Value>(args.data(), n.b), n.column, out);
  }

  // exists(path): false, not E010, when the key is unset; and false when the
  // path leads to null, so `exists(user.age) && user.age > 18` is a guard.
  core::Status eval_exists(const Node& n, Value& out) {
    uint32_t arg = p_.args[n.a];
    const Node& a = p_.nodes[arg];
    bool missing = false;
    Value v;
    if (a.op == Op::kLiteral) {
      const Json* found = ctx_.find(p_.literals[a.a].get_ref<const std::string&>());
      missing = found == nullptr;
      if (found != nullptr) v.borrow(*found);
    } else {
      core::Status s = eval_path(arg, v, missing);
      if (!s.is_ok()) return s;
    }
    out.borrow(boolean(!missing && !v.get().is_null()));
    return core::Status();
  }

  // Like eval() for a path, but an unset key sets `missing` instead of failing.
  core::Status eval_path(uint32_t index, Value& out, bool& missing) {
    const Node& n = p_.nodes[index];
    if (n.op == Op::kKey) {
      const Json* v = ctx_.find(p_.keys[n.a]);
      missing = v == nullptr;
      if (v != nullptr) out.borrow(*v);
      return core::Status();
    }
    Value base;
    core::Status s = eval_path(n.a, base, missing);
    if (!s.is_ok() || missing) return s;
    return navigate(n, base, out);
  }

  const Program& p_;
  const Scope& ctx_;
};

}  // namespace

core::Status evaluate(const Program& program, const Scope& ctx, Value& out) {
  return Evaluator(program, ctx).eval(program.root, out);
}

}  // namespace rules::expr
