#include "rules/expr/functions.h"

#include <time.h>

#include <cmath>
#include <limits>

#include "rules/expr/errors.h"
#include "rules/expr/operations.h"

namespace rules::expr {

namespace {

// Sorted by name, which is also the order function_names() lists them in.
// The capitalized ones are GRL's names; messages use the first name of each.
constexpr FunctionInfo kFunctions[] = {
    {"abs", Function::kAbs, 1, 1},
    {"contains", Function::kContains, 2, 2},
    {"exists", Function::kExists, 1, 1},
    {"len", Function::kLen, 1, 1},
    {"lower", Function::kLower, 1, 1},
    {"max", Function::kMax, 1, kMaxArgs},
    {"min", Function::kMin, 1, kMaxArgs},
    {"now", Function::kNow, 0, 0},
    {"round", Function::kRound, 1, 2},
    {"startswith", Function::kStartsWith, 2, 2},
    {"upper", Function::kUpper, 1, 1},
    {"Abs", Function::kAbs, 1, 1},
    {"Contains", Function::kContains, 2, 2},
    {"Len", Function::kLen, 1, 1},
    {"Max", Function::kMax, 1, kMaxArgs},
    {"Min", Function::kMin, 1, kMaxArgs},
    {"Now", Function::kNow, 0, 0},
    {"Round", Function::kRound, 1, 2},
    {"StartsWith", Function::kStartsWith, 2, 2},
    {"ToLower", Function::kLower, 1, 1},
    {"ToUpper", Function::kUpper, 1, 1},
};

core::Error argument_error(Function fn, const char* wanted, const Json& got, int column) {
  return expression_error(column, std::string(function_info(fn).name) + "() takes " + wanted +
                                      ", got " + got.type_name());
}

core::Status len(const Json& v, int column, Value& out) {
  if (v.is_string()) {
    // Characters, not bytes: count every UTF-8 byte that does not continue one.
    int64_t n = 0;
    for (char c : v.get_ref<const std::string&>())
      n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    out.own(n);
  } else if (v.is_array() || v.is_object()) {
    out.own(static_cast<int64_t>(v.size()));
  } else {
    return argument_error(Function::kLen, "a string, array or object", v, column);
  }
  return core::Status();
}

// min() and max(): over the arguments, or over the elements of a single array.
core::Status extreme(Function fn, std::span<const Value> args, int column, Value& out) {
  auto pick = [&](auto begin, auto end, auto get) -> core::Status {
    const Json* best = nullptr;
    Number best_n;
    for (auto it = begin; it != end; ++it) {
      const Json& v = get(*it);
      Number n;
      if (!as_number(v, n)) return argument_error(fn, "numbers", v, column);
      int cmp = best == nullptr ? 0 : order(n, best_n);
      if (best == nullptr || (fn == Function::kMin ? cmp < 0 : cmp > 0)) {
        best = &v;
        best_n = n;
      }
    }
    if (best == nullptr) {
      return expression_error(column, std::string(function_info(fn).name) + "() of an empty array");
    }
    out.own(*best);
    return core::Status();
  };
  if (args.size() == 1 && args[0].get().is_array()) {
    const Json& array = args[0].get();
    return pick(array.begin(), array.end(), [](const Json& v) -> const Json& { return v; });
  }
  return pick(args.begin(), args.end(), [](const Value& v) -> const Json& { return v.get(); });
}

core::Status abs(const Json& v, int column, Value& out) {
  Number n;
  if (!as_number(v, n)) return argument_error(Function::kAbs, "a number", v, column);
  if (!n.is_int) {
    out.own(std::fabs(n.d));
  } else if (n.i == std::numeric_limits<int64_t>::min()) {
    return expression_error(column, "integer overflow: abs(" + std::to_string(n.i) + ")");
  } else {
    out.own(n.i < 0 ? -n.i : n.i);
  }
  return core::Status();
}

// ASCII only: a full Unicode case mapping would need tables this language does not carry.
core::Status change_case(Function fn, const Json& v, int column, Value& out) {
  if (!v.is_string()) return argument_error(fn, "a string", v, column);
  std::string s = v.get<std::string>();
  for (char& c : s) {
    if (fn == Function::kLower && c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (fn == Function::kUpper && c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  out.own(std::move(s));
  return core::Status();
}

core::Status starts_with(const Json& s, const Json& prefix, int column, Value& out) {
  if (!s.is_string() || !prefix.is_string()) {
    return argument_error(Function::kStartsWith, "two strings", s.is_string() ? prefix : s, column);
  }
  out.own(s.get_ref<const std::string&>().starts_with(prefix.get_ref<const std::string&>()));
  return core::Status();
}

core::Status round_to(std::span<const Value> args, int column, Value& out) {
  Number n;
  if (!as_number(args[0].get(), n)) {
    return argument_error(Function::kRound, "a number", args[0].get(), column);
  }
  int64_t digits = 0;
  if (args.size() == 2) {
    const Json& d = args[1].get();
    if (!d.is_number_integer() || d.get<int64_t>() < 0 || d.get<int64_t>() > 15) {
      return expression_error(column, "round() takes 0 to 15 digits, got " + d.dump());
    }
    digits = d.get<int64_t>();
  }
  if (n.is_int) {
    out.own(n.i);
    return core::Status();
  }
  double scale = std::pow(10.0, static_cast<double>(digits));
  out.own(std::round(n.d * scale) / scale);
  return core::Status();
}

core::Status now(Value& out) {
  timespec ts;
  ::clock_gettime(CLOCK_REALTIME, &ts);
  out.own(static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9);
  return core::Status();
}

}  // namespace

const FunctionInfo* find_function(std::string_view name) {
  for (const FunctionInfo& f : kFunctions) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

const FunctionInfo& function_info(Function fn) {
  for (const FunctionInfo& f : kFunctions) {
    if (f.fn == fn) return f;
  }
  return kFunctions[0];  // unreachable: every Function but kNone is in the table
}

std::string function_names() {
  std::string out;
  for (const FunctionInfo& f : kFunctions) {
    if (!out.empty()) out += ", ";
    out += f.name;
  }
  return out;
}

core::Status call_function(Function fn, std::span<const Value> args, int column, Value& out) {
  switch (fn) {
    case Function::kLen:
      return len(args[0].get(), column, out);
    case Function::kMin:
    case Function::kMax:
      return extreme(fn, args, column, out);
    case Function::kAbs:
      return abs(args[0].get(), column, out);
    case Function::kLower:
    case Function::kUpper:
      return change_case(fn, args[0].get(), column, out);
    case Function::kContains: {
      bool found = false;
      core::Status s = contains(args[0].get(), args[1].get(), column, "contains()", found);
      if (s.is_ok()) out.own(found);
      return s;
    }
    case Function::kStartsWith:
      return starts_with(args[0].get(), args[1].get(), column, out);
    case Function::kRound:
      return round_to(args, column, out);
    case Function::kNow:
      return now(out);
    case Function::kNone:
    case Function::kExists:
      break;
  }
  return expression_error(column, "internal: function is not callable here");
}

}  // namespace rules::expr
