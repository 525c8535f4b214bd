// core/containers/append_unique.h: a std::vector used as a small set that
// keeps first-insertion order (read sets, fact names, node ids).
//
// append_unique(v, x) appends x unless v already holds an equal element and
// says whether it did. Linear: for the short lists it is used on, a scan
// beats hashing and keeps the order callers report in.
#pragma once

#include <algorithm>
#include <utility>
#include <vector>

namespace core {

template <class T, class U>
bool append_unique(std::vector<T>& to, U&& value) {
  if (std::find(to.begin(), to.end(), value) != to.end()) return false;
  to.push_back(std::forward<U>(value));
  return true;
}

}  // namespace core
