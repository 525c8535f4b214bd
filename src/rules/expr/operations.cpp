#include "rules/expr/operations.h"

#include <cmath>
#include <limits>
#include <string>

#include "rules/expr/errors.h"

namespace rules::expr {

namespace {

std::string symbol(Op op) {
  return std::string("'") + op_symbol(op) + "'";
}

core::Error operand_error(Op op, const Json& a, const Json& b, int column) {
  return expression_error(
      column, "cannot apply " + symbol(op) + " to " + a.type_name() + " and " + b.type_name());
}

}  // namespace

// get_ptr reads the stored number directly; get<T>() converts through a
// generic path that showed up in profiles of arithmetic expressions.
bool as_number(const Json& v, Number& out) {
  if (v.is_number_unsigned()) {
    uint64_t u = *v.get_ptr<const Json::number_unsigned_t*>();
    if (u <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      out = Number{true, static_cast<int64_t>(u), 0};
    } else {
      out = Number{false, 0, static_cast<double>(u)};
    }
    return true;
  }
  if (v.is_number_integer()) {
    out = Number{true, *v.get_ptr<const Json::number_integer_t*>(), 0};
    return true;
  }
  if (v.is_number_float()) {
    out = Number{false, 0, *v.get_ptr<const Json::number_float_t*>()};
    return true;
  }
  return false;
}

core::Status arithmetic(Op op, const Json& a, const Json& b, int column, Json& out) {
  if (op == Op::kAdd && a.is_string() && b.is_string()) {
    out = a.get_ref<const std::string&>() + b.get_ref<const std::string&>();
    return core::Status();
  }
  Number x, y;
  if (!as_number(a, x) || !as_number(b, y)) return operand_error(op, a, b, column);
  if ((op == Op::kDiv || op == Op::kMod) && (y.is_int ? y.i == 0 : y.d == 0.0)) {
    return expression_error(column, "division by zero in " + symbol(op));
  }
  if (x.is_int && y.is_int && op != Op::kDiv) {
    int64_t r = 0;
    bool overflow = false;
    switch (op) {
      case Op::kAdd:
        overflow = __builtin_add_overflow(x.i, y.i, &r);
        break;
      case Op::kSub:
        overflow = __builtin_sub_overflow(x.i, y.i, &r);
        break;
      case Op::kMul:
        overflow = __builtin_mul_overflow(x.i, y.i, &r);
        break;
      default:
        // INT64_MIN % -1 is undefined in C++ although the answer is 0.
        r = y.i == -1 ? 0 : x.i % y.i;
        break;
    }
    if (overflow) {
      return expression_error(column, "integer overflow: " + std::to_string(x.i) + " " +
                                          op_symbol(op) + " " + std::to_string(y.i) +
                                          " does not fit in 64 bits");
    }
    out = r;
    return core::Status();
  }
  double p = x.as_double();
  double q = y.as_double();
  double r = 0;
  switch (op) {
    case Op::kAdd:
      r = p + q;
      break;
    case Op::kSub:
      r = p - q;
      break;
    case Op::kMul:
      r = p * q;
      break;
    case Op::kDiv:
      r = p / q;
      break;
    default:
      r = std::fmod(p, q);
      break;
  }
  // JSON has no infinity: a result that overflowed a double is an error, not null.
  if (!std::isfinite(r)) {
    return expression_error(column, "result of " + symbol(op) + " is too large for a number");
  }
  out = r;
  return core::Status();
}

core::Status negate(const Json& a, int column, Json& out) {
  Number x;
  if (!as_number(a, x)) {
    return expression_error(column, std::string("cannot apply '-' to ") + a.type_name());
  }
  if (!x.is_int) {
    out = -x.d;
  } else if (x.i == std::numeric_limits<int64_t>::min()) {
    return expression_error(column, "integer overflow: -(" + std::to_string(x.i) + ")");
  } else {
    out = -x.i;
  }
  return core::Status();
}

bool equal(const Json& a, const Json& b) {
  // nlohmann's == already compares numbers by value, arrays and objects
  // element by element, and values of different types as unequal.
  return a == b;
}

int order(const Number& a, const Number& b) {
  if (a.is_int && b.is_int) return a.i < b.i ? -1 : (a.i > b.i ? 1 : 0);
  double p = a.as_double();
  double q = b.as_double();
  return p < q ? -1 : (p > q ? 1 : 0);
}

core::Status compare(Op op, const Json& a, const Json& b, int column, bool& out) {
  int cmp = 0;
  Number x, y;
  if (as_number(a, x) && as_number(b, y)) {
    cmp = order(x, y);
  } else if (a.is_string() && b.is_string()) {
    cmp = a.get_ref<const std::string&>().compare(b.get_ref<const std::string&>());
  } else {
    return expression_error(column, "cannot compare " + std::string(a.type_name()) + " with " +
                                        b.type_name() + " using " + symbol(op) +
                                        "; only two numbers or two strings are ordered");
  }
  switch (op) {
    case Op::kLt:
      out = cmp < 0;
      break;
    case Op::kLe:
      out = cmp <= 0;
      break;
    case Op::kGt:
      out = cmp > 0;
      break;
    default:
      out = cmp >= 0;
      break;
  }
  return core::Status();
}

core::Status contains(const Json& haystack, const Json& needle, int column, std::string_view what,
                      bool& out) {
  if (haystack.is_array()) {
    out = false;
    for (const Json& e : haystack) {
      if (equal(e, needle)) {
        out = true;
        break;
      }
    }
    return core::Status();
  }
  if (haystack.is_string() || haystack.is_object()) {
    if (!needle.is_string()) {
      return expression_error(column, std::string(what) + " on " + haystack.type_name() +
                                          " needs a string to look for, got " + needle.type_name());
    }
    const std::string& s = needle.get_ref<const std::string&>();
    out = haystack.is_string() ? haystack.get_ref<const std::string&>().find(s) != std::string::npos
                               : haystack.contains(s);
    return core::Status();
  }
  return expression_error(column, std::string(what) + " needs an array, string or object to " +
                                      "look in, got " + haystack.type_name());
}

}  // namespace rules::expr
