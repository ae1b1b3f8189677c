// in-toto link metadata: what one step of a supply chain did (its command, the files it
// read and wrote with their digests, what it printed), as in-toto tooling records it —
// the classic signed form (`{"signed": {"_type": "link", ...}, "signatures": [...]}`),
// a DSSE envelope of a link, or an in-toto Statement with the link predicate
// (`https://in-toto.io/attestation/link/v0.3`, its subjects the products). Several
// files, one per step, give one list:
//
//   links: [{ name, envelope, signed_by: [keyid], command: [string],
//             materials: [{path, sha256?, digest?}], products: [...],
//             return_value?, stdout?, stderr? }]
//
// Signatures are listed by key id, not verified (a layout's keys are not known here).
#include <fmt/format.h>

#include "engine/base/base64.h"
#include "engine/facts/tree_builder.h"
#include "engine/import/importer.h"
#include "engine/import/internal/reading.h"

namespace relgate::import {
namespace {

using facts::Node;
using facts::NodeKind;
using internal::Array;
using internal::Member;
using internal::Object;
using internal::Text;

// The digest set `{sha256: HEX, sha512: HEX}` of one artifact.
void Digests(facts::TreeBuilder& b, const Node* digest) {
  const std::string sha = Text(digest, "sha256");
  if (!sha.empty())
    b.Field("sha256", sha);
  if (digest != nullptr && digest->kind == NodeKind::kObject && digest->len > 0 &&
      digest->members[0].value.kind == NodeKind::kString) {
    b.Field("digest",
            fmt::format("{}:{}", digest->members[0].name(), digest->members[0].value.str()));
  }
}

// Classic links: `{path: {alg: hex}}`; the v0.3 predicate: `[{name, digest}]`.
void Artifacts(facts::TreeBuilder& b, const char* key, const Node* artifacts) {
  b.Key(key);
  b.BeginArray();
  if (artifacts != nullptr && artifacts->kind == NodeKind::kObject) {
    for (uint32_t k = 0; k < artifacts->len; ++k) {
      b.BeginObject();
      b.Field("path", artifacts->members[k].name());
      Digests(b, Object(&artifacts->members[k].value));
      b.EndObject();
    }
  } else if (artifacts != nullptr && artifacts->kind == NodeKind::kArray) {
    for (uint32_t k = 0; k < artifacts->len; ++k) {
      b.BeginObject();
      b.Field("path", Text(&artifacts->items[k], "name"));
      Digests(b, Object(Member(&artifacts->items[k], "digest")));
      b.EndObject();
    }
  }
  b.EndArray();
}

struct Link {
  const Node* body = nullptr;      // the link's fields
  const Node* products = nullptr;  // overrides body.products (a statement's subjects)
  std::string envelope;
  std::vector<std::string> key_ids;
};

bool Write(facts::TreeBuilder& b, const Link& link, facts::LoadError& error) {
  const Node* body = link.body;
  b.BeginObject();
  b.Field("name", Text(body, "name"));
  b.Field("envelope", link.envelope);
  b.Key("signed_by");
  b.BeginArray();
  for (const std::string& id : link.key_ids)
    b.String(id);
  b.EndArray();
  b.Key("command");
  b.BeginArray();
  if (const Node* command = Array(body, "command")) {
    for (uint32_t k = 0; k < command->len; ++k) {
      if (command->items[k].kind != NodeKind::kString)
        return internal::Fail(error, fmt::format("command[{}]", k),
                              "expected a string (one word of the command)");
      b.String(command->items[k].str());
    }
  }
  b.EndArray();
  Artifacts(b, "materials", Member(body, "materials"));
  Artifacts(b, "products", link.products != nullptr ? link.products : Member(body, "products"));
  const Node* byproducts = Object(Member(body, "byproducts"));
  const Node* code = Member(byproducts, "return-value");
  if (code == nullptr)
    code = Member(byproducts, "returnValue");
  if (code != nullptr && code->kind == NodeKind::kInt)
    b.FieldInt("return_value", code->i);
  for (const char* stream : {"stdout", "stderr"}) {
    if (const Node* text = Member(byproducts, stream);
        text != nullptr && text->kind == NodeKind::kString)
      b.Field(stream, text->str());
  }
  b.EndObject();
  return true;
}

void KeyIds(const Node* signatures, std::vector<std::string>& out) {
  for (uint32_t k = 0; signatures != nullptr && k < signatures->len; ++k) {
    const std::string id = Text(&signatures->items[k], "keyid");
    if (!id.empty())
      out.push_back(id);
  }
}

// Finds the link in `root`; `payload` keeps a decoded DSSE payload alive.
bool FindLink(const Node& root, Link& link, std::unique_ptr<facts::Document>& payload,
              facts::LoadError& error) {
  const Node* body = &root;
  if (const Node* signed_part = Object(Member(&root, "signed"))) {
    body = signed_part;
    link.envelope = "signed";
    KeyIds(Array(&root, "signatures"), link.key_ids);
  } else if (!Text(&root, "payloadType").empty()) {
    std::string bytes;
    if (!Base64Decode(Text(&root, "payload"), bytes))
      return internal::Fail(error, "payload", "expected base64 (a DSSE envelope's payload)");
    facts::LoadError inner;
    payload = facts::ParseJson(bytes, "payload", inner, facts::Digest::kSkip);
    if (!payload)
      return internal::Fail(error, "payload",
                            fmt::format("the DSSE payload is not JSON: {}", inner.message));
    body = &payload->root();
    link.envelope = "dsse";
    KeyIds(Array(&root, "signatures"), link.key_ids);
  } else {
    link.envelope = "bare";
  }
  const std::string type = Text(body, "_type");
  if (type == "link") {
    link.body = body;
    return true;
  }
  if (Text(body, "predicateType").rfind("https://in-toto.io/attestation/link/", 0) == 0) {
    link.body = Object(Member(body, "predicate"));
    link.products = Array(body, "subject");
    return true;
  }
  if (type == "layout")
    return internal::Fail(error, "_type",
                          "this is a layout (the plan), not a link (a step's record)");
  return internal::Fail(
      error, "_type",
      fmt::format("expected in-toto link metadata (`_type: link`, or a statement with the link "
                  "predicate), found {}",
                  (type.empty() ? std::string("neither") : fmt::format("`{}`", type))));
}

}  // namespace

namespace {

// The links of `inputs`, each read by `read` (the file's bytes), as one document.
template <typename Read>
std::unique_ptr<facts::Document> ImportLinks(const std::vector<std::string>& inputs, Read read,
                                             facts::LoadError& error) {
  std::vector<std::unique_ptr<facts::Document>> docs;
  std::vector<Link> links;
  for (const std::string& path : inputs) {
    std::string bytes;
    if (!read(path, bytes))
      return nullptr;
    auto doc = facts::ParseJson(bytes, path, error);
    if (!doc)
      return nullptr;
    Link link;
    std::unique_ptr<facts::Document> payload;
    if (!FindLink(doc->root(), link, payload, error))
      return nullptr;
    docs.push_back(std::move(doc));
    if (payload)
      docs.push_back(std::move(payload));
    links.push_back(std::move(link));
  }
  facts::TreeBuilder b(fmt::format("{} (in-toto-link)", inputs.front()), docs.front()->sha256());
  b.BeginObject();
  b.Key("links");
  b.BeginArray();
  for (size_t k = 0; k < links.size(); ++k) {
    error.file = inputs[k];
    if (!Write(b, links[k], error))
      return nullptr;
  }
  b.EndArray();
  b.EndObject();
  return b.Finish(error);
}

}  // namespace

std::unique_ptr<facts::Document> ImportIntotoLinks(const Request& request,
                                                   facts::LoadError& error) {
  return ImportLinks(
      request.inputs,
      [&error](const std::string& path, std::string& bytes) {
        return ReadInput(path, bytes, error);
      },
      error);
}

std::unique_ptr<facts::Document> ImportIntotoLink(std::string_view bytes, const std::string& path,
                                                  facts::LoadError& error) {
  return ImportLinks(
      {path},
      [bytes](const std::string&, std::string& out) {
        out = std::string(bytes);
        return true;
      },
      error);
}

}  // namespace relgate::import
