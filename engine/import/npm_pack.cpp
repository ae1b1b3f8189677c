// `npm pack --dry-run --json`: what a package will contain when published, as the
// artifact's facts (the names the reference workload uses: `artifact.files`):
//
//   artifact: { name, version, filename, size, unpacked_size, integrity, digest?,
//               shasum?, files: [string], entries: [{path, size, mode}], entry_count }
//
// `digest` is the integrity's SHA-512 as `sha512:HEX`, the form npm provenance names its
// subject in (std.slsa's `subject_digest`), so a policy can compare the two.

#include <fmt/format.h>

#include "engine/base/base64.h"
#include "engine/base/digest.h"
#include "engine/facts/tree_builder.h"
#include "engine/import/importer.h"
#include "engine/import/internal/reading.h"

namespace relgate::import {
namespace {

using facts::Node;
using facts::NodeKind;
using internal::Int;
using internal::Text;

}  // namespace

std::unique_ptr<facts::Document> ImportNpmPack(std::string_view bytes, const std::string& path,
                                               facts::LoadError& error) {
  auto doc = facts::ParseJson(bytes, path, error);
  if (!doc)
    return nullptr;
  // `npm pack --json` prints a list with one entry per package packed.
  const Node& root = doc->root();
  const Node* pack = root.kind == NodeKind::kArray && root.len == 1 ? &root.items[0] : nullptr;
  if (pack == nullptr || pack->kind != NodeKind::kObject || pack->Find("files") == nullptr) {
    error.message =
        "expected the output of `npm pack --dry-run --json`: a list of one package "
        "with its `files`";
    return nullptr;
  }
  const Node* files = pack->Find("files");
  if (files->kind != NodeKind::kArray) {
    error.path = "[0].files";
    error.message = "expected a list of files";
    return nullptr;
  }
  facts::TreeBuilder b(fmt::format("{} (npm-pack)", path), doc->sha256());
  b.BeginObject();
  b.Key("artifact");
  b.BeginObject();
  b.Field("name", Text(pack, "name"));
  b.Field("version", Text(pack, "version"));
  b.Field("filename", Text(pack, "filename"));
  b.FieldInt("size", Int(pack, "size"));
  b.FieldInt("unpacked_size", Int(pack, "unpackedSize"));
  const std::string integrity = Text(pack, "integrity");
  b.Field("integrity", integrity);
  std::string raw;
  if (integrity.rfind("sha512-", 0) == 0 && Base64Decode(integrity.substr(7), raw))
    b.Field("digest", fmt::format("sha512:{}", HexEncode(raw)));
  if (std::string shasum = Text(pack, "shasum"); !shasum.empty())
    b.Field("shasum", shasum);
  b.Key("files");
  b.BeginArray();
  for (uint32_t k = 0; k < files->len; ++k) {
    const std::string file = Text(&files->items[k], "path");
    if (file.empty()) {
      error.path = fmt::format("[0].files[{}].path", k);
      error.message = "expected the file's path (a string)";
      return nullptr;
    }
    b.String(file);
  }
  b.EndArray();
  b.Key("entries");
  b.BeginArray();
  for (uint32_t k = 0; k < files->len; ++k) {
    b.BeginObject();
    b.Field("path", Text(&files->items[k], "path"));
    b.FieldInt("size", Int(&files->items[k], "size"));
    b.FieldInt("mode", Int(&files->items[k], "mode"));
    b.EndObject();
  }
  b.EndArray();
  b.FieldInt("entry_count", Int(pack, "entryCount"));
  b.EndObject();
  b.EndObject();
  return b.Finish(error);
}

}  // namespace relgate::import
