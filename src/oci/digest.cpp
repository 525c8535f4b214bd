#include "oci/digest.h"

#include <openssl/evp.h>

#include <cstdint>
#include <cstdlib>

namespace oci {
namespace {

bool is_lower_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

bool is_lower_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

core::Error invalid(std::string message) {
  return core::Error(core::ErrorCode::kInvalidArgument, std::move(message));
}

// Quotes untrusted text for a message, shortened and with control bytes shown.
std::string quote(std::string_view text) {
  constexpr std::size_t kShown = 80;
  std::string out = "'";
  for (std::size_t i = 0; i < text.size() && i < kShown; ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c >= 0x7f) {
      static const char* hex = "0123456789abcdef";
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  if (text.size() > kShown) out += "...";
  out += "'";
  return out;
}

const EVP_MD* evp_for(DigestAlgorithm algorithm) {
  switch (algorithm) {
    case DigestAlgorithm::kSha256:
      return EVP_sha256();
    case DigestAlgorithm::kSha512:
      return EVP_sha512();
    case DigestAlgorithm::kUnsupported:
      break;
  }
  return nullptr;
}

}  // namespace

const char* digest_algorithm_name(DigestAlgorithm algorithm) {
  switch (algorithm) {
    case DigestAlgorithm::kSha256:
      return "sha256";
    case DigestAlgorithm::kSha512:
      return "sha512";
    case DigestAlgorithm::kUnsupported:
      break;
  }
  return "unsupported";
}

core::Result<Digest> Digest::parse(std::string_view text) {
  std::size_t colon = text.find(':');
  if (colon == std::string_view::npos) {
    return invalid("digest " + quote(text) + " has no ':' between algorithm and encoded part");
  }
  std::string_view algorithm = text.substr(0, colon);
  std::string_view encoded = text.substr(colon + 1);
  if (algorithm.empty()) return invalid("digest " + quote(text) + " has an empty algorithm");
  // [a-z0-9]+ ([+._-] [a-z0-9]+)*: components of lower alnum, single separators.
  bool after_separator = true;
  for (char c : algorithm) {
    if (is_lower_alnum(c)) {
      after_separator = false;
    } else if ((c == '+' || c == '.' || c == '_' || c == '-') && !after_separator) {
      after_separator = true;
    } else {
      return invalid("digest algorithm " + quote(algorithm) +
                     " must be lower-case letters and digits, separated by single '+', '.', "
                     "'_' or '-'");
    }
  }
  if (after_separator) {
    return invalid("digest algorithm " + quote(algorithm) + " ends with a separator");
  }
  if (encoded.empty()) return invalid("digest " + quote(text) + " has an empty encoded part");
  DigestAlgorithm id = DigestAlgorithm::kUnsupported;
  std::size_t hex_length = 0;
  if (algorithm == "sha256") {
    id = DigestAlgorithm::kSha256;
    hex_length = 64;
  } else if (algorithm == "sha512") {
    id = DigestAlgorithm::kSha512;
    hex_length = 128;
  }
  if (id != DigestAlgorithm::kUnsupported) {
    for (char c : encoded) {
      if (!is_lower_hex(c)) {
        return invalid(std::string(algorithm) + " digest must be lower-case hex, found " +
                       quote(encoded));
      }
    }
    if (encoded.size() != hex_length) {
      return invalid(std::string(algorithm) + " digest must have " + std::to_string(hex_length) +
                     " hex digits, found " + std::to_string(encoded.size()));
    }
  } else {
    for (char c : encoded) {
      bool ok = is_lower_alnum(c) || (c >= 'A' && c <= 'Z') || c == '=' || c == '_' || c == '-';
      if (!ok) {
        return invalid("digest encoded part " + quote(encoded) +
                       " may hold only letters, digits, '=', '_' and '-'");
      }
    }
  }
  return Digest(std::string(text), colon, id);
}

std::string_view Digest::algorithm() const {
  return std::string_view(text_).substr(0, colon_);
}

std::string_view Digest::encoded() const {
  return text_.empty() ? std::string_view() : std::string_view(text_).substr(colon_ + 1);
}

Digest Digest::sha256_of(std::string_view bytes) {
  return of(DigestAlgorithm::kSha256, bytes);
}

Digest Digest::of(DigestAlgorithm algorithm, std::string_view bytes) {
  auto hasher = Hasher::create(algorithm);
  if (!hasher) return Digest();
  hasher.value().update(bytes);
  return hasher.value().finish();
}

struct Hasher::State {
  EVP_MD_CTX* ctx = nullptr;
  ~State() { EVP_MD_CTX_free(ctx); }
};

core::Result<Hasher> Hasher::create(DigestAlgorithm algorithm) {
  const EVP_MD* md = evp_for(algorithm);
  if (!md) return invalid("unsupported digest algorithm: only sha256 and sha512 can be computed");
  auto state = std::make_unique<State>();
  state->ctx = EVP_MD_CTX_new();
  if (!state->ctx || EVP_DigestInit_ex(state->ctx, md, nullptr) != 1) {
    return core::Error(core::ErrorCode::kInternal, "OpenSSL could not start a digest");
  }
  return Hasher(algorithm, std::move(state));
}

Hasher::Hasher(DigestAlgorithm algorithm, std::unique_ptr<State> state)
    : algorithm_(algorithm), state_(std::move(state)) {}
Hasher::Hasher(Hasher&&) noexcept = default;
Hasher& Hasher::operator=(Hasher&&) noexcept = default;
Hasher::~Hasher() = default;

void Hasher::update(std::string_view bytes) {
  // EVP_DigestUpdate cannot fail for the built-in digests once initialised.
  if (!bytes.empty()) EVP_DigestUpdate(state_->ctx, bytes.data(), bytes.size());
  bytes_ += bytes.size();
}

Digest Hasher::finish() {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_DigestFinal_ex(state_->ctx, md, &length) != 1) std::abort();  // cannot happen
  EVP_DigestInit_ex(state_->ctx, evp_for(algorithm_), nullptr);
  bytes_ = 0;
  static const char* hex = "0123456789abcdef";
  std::string text = digest_algorithm_name(algorithm_);
  std::size_t colon = text.size();
  text += ':';
  for (unsigned int i = 0; i < length; ++i) {
    text += hex[md[i] >> 4];
    text += hex[md[i] & 15];
  }
  return Digest(std::move(text), colon, algorithm_);
}

core::Status verify_digest(const Digest& expected, std::string_view bytes) {
  if (expected.empty()) return invalid("no digest to verify against");
  if (!expected.supported()) {
    return invalid("unsupported digest algorithm '" + std::string(expected.algorithm()) +
                   "': only sha256 and sha512 can be verified");
  }
  Digest actual = Digest::of(expected.algorithm_id(), bytes);
  if (actual != expected) {
    return invalid("digest mismatch: expected " + expected.str() + ", computed " + actual.str());
  }
  return core::Status::ok();
}

}  // namespace oci
