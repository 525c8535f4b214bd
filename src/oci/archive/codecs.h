// oci/archive/codecs.h: the concrete decompressors behind
// Decompressor::create (internal to src/oci/archive). Each lives in its own
// file with the library it wraps.
#pragma once

#include <memory>

#include "oci/archive/decompressor.h"

namespace oci::archive {

std::unique_ptr<Decompressor> make_gzip_decompressor();  // isal_gzip.cpp
std::unique_ptr<Decompressor> make_zstd_decompressor();  // zstd_stream.cpp
std::unique_ptr<Decompressor> make_passthrough();        // decompressor.cpp

}  // namespace oci::archive
