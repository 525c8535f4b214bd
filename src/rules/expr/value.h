// rules/expr/value.h: an intermediate result while evaluating.
//
// Most values an expression touches already exist: Context entries and the
// literals of the compiled tree. A Value borrows those by pointer and owns
// only what an operator computed, so `user.tier == "gold"` copies no string
// and number or bool work allocates nothing (nlohmann::json keeps scalars
// inline). The owned Json is built only when needed: constructing and
// destroying one per operand was a sixth of the time of an arithmetic
// expression. A borrowed value must outlive the Value; the Context and the
// Program do, as evaluation holds both throughout.
#pragma once

#include <optional>
#include <utility>

#include "rules/expr/scope.h"

namespace rules::expr {

// The null that missing members and fresh Values borrow.
inline const Json kNullJson;

class Value {
 public:
  const Json& get() const { return ref_ != nullptr ? *ref_ : *owned_; }
  bool borrowed() const { return ref_ != nullptr; }

  void borrow(const Json& v) { ref_ = &v; }
  // Makes the value an owned Json and returns it, for an operator to write into.
  Json& own() {
    ref_ = nullptr;
    if (!owned_) owned_.emplace();
    return *owned_;
  }
  void own(Json v) { own() = std::move(v); }
  // The value as an independent Json (a copy only when borrowed).
  Json release() { return ref_ != nullptr ? *ref_ : std::move(*owned_); }

 private:
  const Json* ref_ = &kNullJson;
  std::optional<Json> owned_;
};

}  // namespace rules::expr
