// oci/unpack/tar_stream.h: libarchive's tar reader fed from a ByteSource
// (internal to src/oci/unpack).
//
// Only the tar formats (ustar, pax, GNU incl. long names and sparse files)
// and no compression filters: the source is already decompressed and
// verified, and a layer that is not a plain tar is an error, not something
// to guess at. The read callback hands libarchive the source's chunks as
// they are (no copy). The source's own error (a digest mismatch, found only
// at its end) is kept and reported instead of libarchive's, and finish()
// reads the source to its very end, past the tar's end blocks, because that
// last call is where a verifying source reports a mismatch.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/error.h"
#include "oci/archive/byte_source.h"

struct archive;
struct archive_entry;

namespace oci::unpack {

class TarStream {
 public:
  explicit TarStream(archive::ByteSource& source);
  ~TarStream();
  TarStream(const TarStream&) = delete;
  TarStream& operator=(const TarStream&) = delete;

  // The next entry's header (owned by the stream, valid until the next call),
  // or nullptr after the last one. Errors carry a message without the layer.
  core::Result<archive_entry*> next();

  // One block of the current entry's data: `size` bytes at file `offset`
  // (offsets jump over the holes of sparse files). false at the entry's end.
  core::Result<bool> read_block(const void*& data, std::size_t& size, std::int64_t& offset);

  // Reads the source to its end (after next() returned nullptr), so that its
  // last call, which may report an error, is made. At most kMaxTrailingBytes
  // more: tar writers pad to their record size (10 KiB, or 1 MiB at the
  // most with a large blocking factor), and a layer that goes on (say, a
  // small tar followed by a gzip bomb of zeros) would otherwise make the
  // unpack hash gigabytes that no limit counts (kCapacityExceeded).
  static constexpr std::size_t kMaxTrailingBytes = 4 << 20;
  core::Status finish();

 private:
  static long read_callback(struct archive* a, void* self, const void** buffer);
  core::Error failure(const char* what);

  archive::ByteSource& source_;
  struct archive* archive_ = nullptr;
  archive_entry* entry_ = nullptr;
  std::optional<core::Error> source_error_;
  bool source_ended_ = false;
};

}  // namespace oci::unpack
