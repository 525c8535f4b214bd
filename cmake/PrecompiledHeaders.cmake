# Precompiled headers. Parsing the third-party headers (nlohmann/json, the
# standard library, GoogleTest and GoogleMock) took 2 to 3 s of every file's 6
# to 12 s, and CI compiles the tree three times (release, ASan, fuzz) on two
# cores. Two headers are compiled once each and reused by every target:
#
#   lx_pch       standard library + nlohmann/json: libraries and programs
#   lx_pch_test  the same + GoogleTest and GoogleMock: unit tests
#                (tests/CMakeLists.txt)
#
# lx_use_pch(TARGET) gives TARGET the first. A reusing target must be
# compiled with the same flags and macros that change these headers; the
# per-target macros here (paths for tests, say) do not touch them. Targets
# with their own flags (fuzz targets, the static lxcri-init) do not use them.
option(LX_PCH "Precompile the standard library, nlohmann/json and GoogleTest headers" ON)

set(LX_PCH_HEADERS
    <algorithm> <atomic> <chrono> <cstddef> <cstdint> <cstdio> <cstring> <filesystem>
    <functional> <map> <memory> <mutex> <optional> <set> <string> <string_view>
    <thread> <unordered_map> <unordered_set> <utility> <variant> <vector>
    <nlohmann/json.hpp>)

if(LX_PCH)
  add_library(lx_pch OBJECT ${PROJECT_SOURCE_DIR}/cmake/pch.cpp)
  target_precompile_headers(lx_pch PRIVATE ${LX_PCH_HEADERS})
endif()

function(lx_use_pch target)
  if(LX_PCH)
    target_precompile_headers(${target} REUSE_FROM lx_pch)
  endif()
endfunction()
