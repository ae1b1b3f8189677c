#include "engine/bundle/bundle.h"

#include <filesystem>

#include <fmt/format.h>
#include <simdjson.h>

#include "engine/attest/dsse.h"
#include "engine/base/digest.h"
#include "engine/base/json_writer.h"
#include "engine/base/limits.h"
#include "engine/base/version.h"
#include "engine/bundle/ast_json.h"
#include "engine/decider.h"

namespace relgate::bundle {
namespace {

// A path a bundle may name a file by: relative, inside the policy (no `..`), printable.
bool SafePath(std::string_view path) {
  if (path.empty() || path.front() == '/' || path.size() > 4096)
    return false;
  for (const char c : path) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f || c == '\\')
      return false;
  }
  size_t start = 0;
  while (start <= path.size()) {
    const size_t end = std::min(path.find('/', start), path.size());
    const std::string_view part = path.substr(start, end - start);
    if (part.empty() || part == "." || part == "..")
      return false;
    start = end + 1;
  }
  return true;
}

std::string_view Text(simdjson::dom::object o, std::string_view key) {
  std::string_view out;
  return o.at_key(key).get_string().get(out) == simdjson::SUCCESS ? out : std::string_view();
}

}  // namespace

bool LooksLikeBundle(const std::string& path) {
  std::error_code ec;
  return path.size() > 7 && path.compare(path.size() - 7, 7, ".bundle") == 0 &&
         std::filesystem::is_regular_file(path, ec);
}

std::string Build(const std::vector<std::string>& paths, const check::Stdlib& stdlib,
                  const BuildOptions& options, SourceMap& sources, DiagnosticSink& sink,
                  std::string& error) {
  auto loaded = check::LoadPolicy(paths, stdlib, sources, sink);
  if (!loaded)
    return "";
  JsonWriter w;
  w.Open('{');
  w.Field("_type", kBundleType);
  w.Int("format", kAstFormat);
  w.Field("relgate", kRelgateVersion);
  w.Field("revision", options.revision);
  w.Key("files");
  w.Open('[');
  for (const check::LoadedModule& m : loaded->modules) {
    const SourceFile& file = sources.file(m.module->file);
    w.Open('{');
    w.Field("path", file.relative_path());
    if (m.is_stdlib)
      w.Field("stdlib", m.stdlib_name);
    w.Field("sha256", Sha256Hex(file.text()));
    w.Field("text", file.text());
    w.Key("ast");
    WriteModule(*m.module, w);
    w.Close('}');
  }
  w.Close(']');
  w.Close('}');
  std::string payload = w.TakeLine();
  payload.pop_back();
  // Only a policy that compiles is bundled: a gate must never be the first to find out.
  if (CompileLoaded(std::move(*loaded), sources, sink) == nullptr)
    return "";
  return attest::SignEnvelope(payload, kPayloadType, options.sign_key, error);
}

std::optional<check::LoadedPolicy> Load(const std::string& path, std::string_view text,
                                        const std::string& key_path, SourceMap& sources,
                                        BundleInfo& info, std::string& error) {
  auto fail = [&](std::string_view why) {
    error = fmt::format("policy bundle {}: {}", path, why);
    return std::nullopt;
  };
  bool cannot_run = false;
  const attest::Verified verified = attest::VerifyEnvelope(text, key_path, cannot_run);
  if (!verified.ok) {
    return fail(
        cannot_run ? verified.problem
                   : fmt::format("it is not signed by the key {}: {}", key_path, verified.problem));
  }
  if (verified.payload_type != kPayloadType) {
    return fail(fmt::format("its payload type is `{}`, not a relgate policy bundle's ({})",
                            verified.payload_type, kPayloadType));
  }
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  simdjson::dom::object root;
  if (parser.parse(verified.payload).get(doc) != simdjson::SUCCESS ||
      doc.get_object().get(root) != simdjson::SUCCESS)
    return fail("its payload is not a JSON object");
  if (Text(root, "_type") != kBundleType)
    return fail(fmt::format("its payload is not a {} document", kBundleType));
  int64_t format = 0;
  const std::string_view built_by = Text(root, "relgate");
  if (root.at_key("format").get_int64().get(format) != simdjson::SUCCESS || format != kAstFormat) {
    return fail(fmt::format(
        "it was built by relgate {} (bundle format {}), and this relgate ({}) reads format {}: "
        "rebuild it with `relgate bundle build`",
        built_by.empty() ? "of unknown version" : built_by, format, kRelgateVersion, kAstFormat));
  }
  simdjson::dom::array files;
  if (root.at_key("files").get_array().get(files) != simdjson::SUCCESS || files.size() == 0)
    return fail("it holds no files");
  if (files.size() > limits::kMaxPolicyFiles)
    return fail(fmt::format("it holds {} files, more than a policy may have ({})", files.size(),
                            limits::kMaxPolicyFiles));
  check::LoadedPolicy policy;
  bool has_own_file = false;
  size_t index = 0;
  for (simdjson::dom::element item : files) {
    simdjson::dom::object file;
    if (item.get_object().get(file) != simdjson::SUCCESS)
      return fail(fmt::format("files[{}] is not an object", index));
    const std::string_view name = Text(file, "path");
    const std::string_view source = Text(file, "text");
    const std::string_view stdlib_name = Text(file, "stdlib");
    if (!SafePath(name))
      return fail(fmt::format("files[{}] has no path a policy file can have", index));
    if (source.size() > limits::kMaxPolicySourceBytes)
      return fail(fmt::format("file `{}` is larger than a policy file may be", name));
    if (Sha256Hex(source) != Text(file, "sha256")) {
      return fail(
          fmt::format("file `{}` does not match its digest: the bundle was altered "
                      "before it was signed",
                      name));
    }
    simdjson::dom::element ast;
    if (file.at_key("ast").get(ast) != simdjson::SUCCESS)
      return fail(fmt::format("file `{}` has no syntax tree", name));
    const FileId id = sources.Add(std::string(name), std::string(source), std::string(name));
    std::string why;
    auto module = ReadModule(ast, id, static_cast<uint32_t>(source.size()), policy.ids, why);
    if (module == nullptr)
      return fail(fmt::format("file `{}`: its syntax tree is malformed: {}", name, why));
    has_own_file = has_own_file || stdlib_name.empty();
    policy.modules.push_back({std::move(module), !stdlib_name.empty(), std::string(stdlib_name)});
    ++index;
  }
  if (!has_own_file)
    return fail("it holds stdlib modules only, no policy file");
  policy.roots = {path};
  info.digest = Sha256Hex(text);
  info.revision = std::string(Text(root, "revision"));
  info.built_by = std::string(built_by);
  return policy;
}

}  // namespace relgate::bundle
