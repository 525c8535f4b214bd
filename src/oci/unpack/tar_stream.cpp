#include "oci/unpack/tar_stream.h"

#include <archive.h>
#include <archive_entry.h>

namespace oci::unpack {

TarStream::TarStream(archive::ByteSource& source) : source_(source) {
  archive_ = archive_read_new();
  entry_ = archive_entry_new();
  if (archive_ == nullptr || entry_ == nullptr) return;  // reported by next()
  archive_read_support_format_tar(archive_);
  // Opening reads nothing yet: the first header is read by next(), which
  // reports any failure here too (archive_errno stays set).
  archive_read_open(archive_, this, nullptr, &TarStream::read_callback, nullptr);
}

TarStream::~TarStream() {
  if (archive_ != nullptr) archive_read_free(archive_);
  if (entry_ != nullptr) archive_entry_free(entry_);
}

long TarStream::read_callback(struct archive* a, void* self, const void** buffer) {
  auto* stream = static_cast<TarStream*>(self);
  if (stream->source_ended_) return 0;
  auto chunk = stream->source_.next();
  if (!chunk) {
    stream->source_error_ = chunk.error();
    stream->source_ended_ = true;
    archive_set_error(a, EIO, "the layer's byte source failed");
    return -1;
  }
  std::string_view bytes = chunk.value();
  if (bytes.empty()) stream->source_ended_ = true;
  *buffer = bytes.data();
  return static_cast<long>(bytes.size());
}

core::Error TarStream::failure(const char* what) {
  if (source_error_) return *source_error_;
  const char* detail = archive_ == nullptr ? nullptr : archive_error_string(archive_);
  return core::Error(core::ErrorCode::kInvalidArgument,
                     std::string(what) + ": " + (detail ? detail : "out of memory"));
}

core::Result<archive_entry*> TarStream::next() {
  if (archive_ == nullptr || entry_ == nullptr) return failure("tar reader");
  int rc = archive_read_next_header2(archive_, entry_);
  if (rc == ARCHIVE_EOF) return static_cast<archive_entry*>(nullptr);
  // ARCHIVE_WARN is a header libarchive could read but not fully convert
  // (e.g. a UTF-8 name in the C locale); the raw name is still there.
  if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN) return failure("malformed tar");
  return entry_;
}

core::Result<bool> TarStream::read_block(const void*& data, std::size_t& size,
                                         std::int64_t& offset) {
  la_int64_t block_offset = 0;
  int rc = archive_read_data_block(archive_, &data, &size, &block_offset);
  if (rc == ARCHIVE_EOF) return false;
  if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN) return failure("reading file data");
  offset = block_offset;
  return true;
}

core::Status TarStream::finish() {
  std::size_t trailing = 0;
  while (!source_ended_) {
    auto chunk = source_.next();
    if (!chunk) {
      source_ended_ = true;
      return chunk.error();
    }
    if (chunk.value().empty()) source_ended_ = true;
    trailing += chunk.value().size();
    if (trailing > kMaxTrailingBytes) {
      return core::Error(core::ErrorCode::kCapacityExceeded,
                         "more than " + std::to_string(kMaxTrailingBytes >> 20) +
                             " MiB of data after the end of the tar archive");
    }
  }
  if (source_error_) return *source_error_;
  return {};
}

}  // namespace oci::unpack
