// oci/archive/byte_source.h: a pull stream of bytes, the seam between where
// a layer's bytes come from (a blob, decompressed and verified; a file; a
// test's buffer) and what consumes them (the tar reader of unpack/).
//
// Pull, not push, because libarchive's tar reader pulls through a read
// callback, and because a source that decompresses ahead in another thread
// can hand over whole chunks without copying.
#pragma once
#include <string_view>

#include "core/error.h"

namespace oci::archive {

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // The next chunk; an empty view at the end of the stream. The view stays
  // valid until the next call. An error ends the stream: corrupt compressed
  // data, an I/O error, or a size/digest that does not match, which a
  // verifying source can only know at the end, so it reports it from the
  // call that would otherwise return the empty view. Consumers therefore
  // read to the end (past the tar's end-of-archive blocks) before trusting
  // what they read.
  virtual core::Result<std::string_view> next() = 0;
};

}  // namespace oci::archive
