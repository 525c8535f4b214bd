// fuzz/fuzz_oci_documents.cpp: libFuzzer target for the OCI spec model.
//
// Every input is offered, as the bytes of a blob, to each document parser
// (manifest, index, image config, Docker manifest and manifest list,
// descriptor), to the kind detector and to the digest parser, in both spec
// versions and with the input's own digest given (so the self-reference
// checks run). Beyond "no crash, hang, leak, exception or sanitizer report"
// it checks what callers rely on: a rejected document is kInvalidArgument
// with a JSON path or a byte offset to show, and an accepted one holds only
// valid digests and sizes that are not negative.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/error.h"
#include "oci/descriptor.h"
#include "oci/digest.h"
#include "oci/docker_manifest.h"
#include "oci/document_kind.h"
#include "oci/image_config.h"
#include "oci/manifest.h"
#include "oci/platform.h"

namespace {

[[noreturn]] void fail(const std::string& what, std::string_view input) {
  std::fprintf(stderr, "fuzz_oci_documents: %s\ninput: %.*s\n", what.c_str(),
               static_cast<int>(input.size()), input.data());
  std::abort();
}

// A parser's error must say where: a JSON path, or the byte offset of
// malformed JSON (in the message).
void check_error(const core::Error& e, const char* parser, std::string_view input) {
  if (e.code() != core::ErrorCode::kInvalidArgument) {
    fail(std::string(parser) + " returned " + e.to_string() + ", not kInvalidArgument", input);
  }
  if (e.message().empty()) fail(std::string(parser) + " gave an empty message", input);
}

void check_descriptor(const oci::Descriptor& d, const char* where, std::string_view input) {
  if (d.digest.empty())
    fail(std::string(where) + ": accepted a descriptor without a digest", input);
  if (d.size < 0) fail(std::string(where) + ": accepted a negative size", input);
  if (!oci::Digest::parse(d.digest.str()).is_ok()) {
    fail(std::string(where) + ": accepted an invalid digest " + d.digest.str(), input);
  }
}

template <class Parse, class Check>
void offer(const char* parser, std::string_view input, Parse parse, Check check) {
  auto r = parse();
  if (r.is_ok()) {
    check(r.value());
  } else {
    check_error(r.error(), parser, input);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const oci::Digest own = oci::Digest::sha256_of(input);
  for (oci::SpecVersion version : {oci::SpecVersion::kV1_0, oci::SpecVersion::kV1_1}) {
    const oci::ParseOptions options{version, own};
    offer(
        "parse_manifest", input, [&] { return oci::parse_manifest(input, options); },
        [&](const oci::Manifest& m) {
          check_descriptor(m.config, "manifest config", input);
          for (const oci::Descriptor& d : m.layers)
            check_descriptor(d, "manifest layer", input);
          if (version == oci::SpecVersion::kV1_0 && m.layers.empty()) {
            fail("v1.0.2 accepted a manifest without layers", input);
          }
        });
    offer(
        "parse_index", input, [&] { return oci::parse_index(input, options); },
        [&](const oci::Index& index) {
          for (const oci::Descriptor& d : index.manifests) {
            check_descriptor(d, "index entry", input);
            if (d.digest == own) fail("accepted an index that lists itself", input);
          }
        });
    offer(
        "parse_descriptor", input, [&] { return oci::parse_descriptor(input, options); },
        [&](const oci::Descriptor& d) { check_descriptor(d, "descriptor", input); });
    offer(
        "parse_docker_manifest", input, [&] { return oci::parse_docker_manifest(input, options); },
        [&](const oci::DockerManifest& m) {
          check_descriptor(m.config, "docker config", input);
          for (const oci::Descriptor& d : m.layers)
            check_descriptor(d, "docker layer", input);
        });
    offer(
        "parse_docker_manifest_list", input,
        [&] { return oci::parse_docker_manifest_list(input, options); },
        [&](const oci::DockerManifestList& list) {
          for (const oci::Descriptor& d : list.manifests)
            check_descriptor(d, "docker list entry", input);
        });
  }
  offer(
      "parse_image_config", input, [&] { return oci::parse_image_config(input); },
      [&](const oci::ImageConfig& config) {
        for (const oci::Digest& d : config.diff_ids) {
          if (!oci::Digest::parse(d.str()).is_ok()) fail("config: invalid diff_id", input);
        }
      });
  offer(
      "detect_document_kind", input, [&] { return oci::detect_document_kind(input); },
      [](oci::DocumentKind) {});
  offer(
      "Digest::parse", input, [&] { return oci::Digest::parse(input); },
      [&](const oci::Digest& d) {
        if (d.str() != input) fail("Digest::parse changed the text", input);
      });
  offer(
      "parse_platform", input, [&] { return oci::parse_platform(input); },
      [](const oci::Platform&) {});
  return 0;
}
