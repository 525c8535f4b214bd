// oci/progress.h: how long image operations (import, export, create,
// unpack) report progress to whoever shows it (the CLI's progress bar).
//
// Called from the thread doing the work, often (per chunk), so a receiver
// should be cheap and throttle its own drawing. `total` is 0 when unknown;
// `what` names the current step ("layer 2/5", "blobs/sha256/ab12...").
#pragma once
#include <cstdint>
#include <functional>
#include <string_view>

namespace oci {

using Progress =
    std::function<void(std::uint64_t done, std::uint64_t total, std::string_view what)>;

}  // namespace oci
