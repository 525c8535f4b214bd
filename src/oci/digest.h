// oci/digest.h: content digests ("sha256:<64 hex>") and the hashing that
// makes and checks them.
//
// Everything in an OCI image is named by the digest of its bytes, so a digest
// is parsed once into a validated value and compared as a string. The grammar
// is image-spec's (descriptor.md, "Digests"):
//   digest    ::= algorithm ":" encoded
//   algorithm ::= [a-z0-9]+ ([+._-] [a-z0-9]+)*
//   encoded   ::= [a-zA-Z0-9=_-]+
// and the registered algorithms narrow `encoded`: sha256 is exactly 64 and
// sha512 exactly 128 lower-case hex digits. Any other algorithm that fits the
// grammar parses (a document may name one) but is not `supported()`: hashing
// or verifying with it is an error, so nothing is trusted that was not checked.
// Hashing is OpenSSL's libcrypto (EVP), streaming so that layers of any size
// are hashed as they are read.
#pragma once

#include <compare>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/error.h"

namespace oci {

enum class DigestAlgorithm {
  kSha256,
  kSha512,
  kUnsupported,  // valid by the grammar, but not one we can compute
};

class Digest {
 public:
  // An empty digest (no value); parse() or of() make real ones.
  Digest() = default;

  // Validates `text` against the grammar above; kInvalidArgument saying what
  // is wrong (e.g. "sha256 digest must have 64 hex digits, found 63").
  static core::Result<Digest> parse(std::string_view text);
  // The digest of `bytes` with a supported algorithm.
  static Digest sha256_of(std::string_view bytes);
  static Digest of(DigestAlgorithm algorithm, std::string_view bytes);

  bool empty() const { return text_.empty(); }
  const std::string& str() const { return text_; }
  std::string_view algorithm() const;  // "sha256"
  std::string_view encoded() const;    // the hex
  DigestAlgorithm algorithm_id() const { return algorithm_; }
  bool supported() const { return algorithm_ != DigestAlgorithm::kUnsupported; }

  friend bool operator==(const Digest& a, const Digest& b) { return a.text_ == b.text_; }
  friend std::strong_ordering operator<=>(const Digest& a, const Digest& b) {
    return a.text_ <=> b.text_;
  }

 private:
  Digest(std::string text, std::size_t colon, DigestAlgorithm algorithm)
      : text_(std::move(text)), colon_(colon), algorithm_(algorithm) {}

  std::string text_;
  std::size_t colon_ = 0;
  DigestAlgorithm algorithm_ = DigestAlgorithm::kUnsupported;

  friend class Hasher;
};

// "sha256", "sha512".
const char* digest_algorithm_name(DigestAlgorithm algorithm);

// Hashes a stream: update() any number of times, then finish(). finish()
// starts the hasher over, so one hasher can hash several streams in turn.
// Movable, not copyable.
class Hasher {
 public:
  // kInvalidArgument for kUnsupported.
  static core::Result<Hasher> create(DigestAlgorithm algorithm);

  Hasher(Hasher&&) noexcept;
  Hasher& operator=(Hasher&&) noexcept;
  ~Hasher();

  void update(std::string_view bytes);
  // The digest of everything updated since creation or the last finish().
  Digest finish();
  // Bytes fed since creation or the last finish().
  std::uint64_t bytes_hashed() const { return bytes_; }

 private:
  struct State;
  explicit Hasher(DigestAlgorithm algorithm, std::unique_ptr<State> state);

  DigestAlgorithm algorithm_;
  std::unique_ptr<State> state_;
  std::uint64_t bytes_ = 0;
};

// OK when `bytes` hash to `expected`. kInvalidArgument when they do not
// ("digest mismatch: expected sha256:..., computed sha256:...") or when the
// algorithm is not supported ("unsupported digest algorithm 'blake3'").
core::Status verify_digest(const Digest& expected, std::string_view bytes);

}  // namespace oci
