#include "engine/policytest/suite.h"

#include <algorithm>
#include <filesystem>
#include <iterator>
#include <regex>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "engine/base/bounded_read.h"
#include "engine/base/json_writer.h"
#include "engine/base/limits.h"
#include "engine/base/time.h"
#include "engine/import/importer.h"
#include "engine/relgate.h"
#include "engine/report/report.h"

namespace relgate::policytest {
namespace {

namespace fs = std::filesystem;

// A YAML value as JSON. Quoted scalars stay strings; plain ones are read by YAML 1.2's
// core schema (null, booleans, integers, floats), as relgate's YAML loader reads them.
std::string ToJson(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined: return "null";
    case YAML::NodeType::Scalar: {
      const std::string& s = node.Scalar();
      if (node.Tag() != "!") {
        static const std::regex number(R"([-+]?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?)");
        if (s == "null" || s == "~" || s.empty())
          return "null";
        if (s == "true" || s == "false")
          return s;
        if (std::regex_match(s, number))
          return s[0] == '+' ? s.substr(1) : s;
      }
      return JsonQuote(s);
    }
    case YAML::NodeType::Sequence: {
      std::string out = "[";
      for (size_t k = 0; k < node.size(); ++k)
        fmt::format_to(std::back_inserter(out), "{}{}", k > 0 ? "," : "", ToJson(node[k]));
      out += "]";
      return out;
    }
    case YAML::NodeType::Map: {
      std::string out = "{";
      bool first = true;
      for (const auto& kv : node) {
        out += fmt::format("{}{}:{}", (first ? "" : ","), JsonQuote(kv.first.Scalar()),
                           ToJson(kv.second));
        first = false;
      }
      out += "}";
      return out;
    }
  }
  return "null";
}

struct Segment {
  std::string key;  // empty for an index
  size_t index = 0;
};

// `approvals[2].user` -> approvals, [2], user; false when malformed.
bool ParsePath(const std::string& path, std::vector<Segment>& out) {
  static const std::regex segment(R"(([A-Za-z_][A-Za-z0-9_-]*)|\[([0-9]+)\])");
  size_t at = 0;
  while (at < path.size()) {
    if (!out.empty() && path[at] == '.')
      ++at;
    std::smatch m;
    const std::string rest = path.substr(at);
    if (!std::regex_search(rest, m, segment, std::regex_constants::match_continuous))
      return false;
    out.push_back(m[1].matched ? Segment{m[1], 0} : Segment{"", std::stoul(m[2])});
    at += static_cast<size_t>(m.length(0));
  }
  return !out.empty() && !out.front().key.empty();
}

// Applies one patch to the document; "" or why not.
std::string Apply(YAML::Node root, const Patch& patch) {
  std::vector<Segment> path;
  if (!ParsePath(patch.path, path))
    return fmt::format("the patch path `{}` is not a fact path (`a.b[2].c`)", patch.path);
  YAML::Node node = root;
  for (size_t k = 0; k + 1 < path.size(); ++k) {
    const Segment& s = path[k];
    YAML::Node next =
        s.key.empty() ? (node.IsSequence() && s.index < node.size() ? node[s.index] : YAML::Node())
                      : (node.IsMap() && node[s.key] ? node[s.key] : YAML::Node());
    if (!next.IsDefined() || next.IsNull())
      return fmt::format("the patch path `{}` does not lead to a value", patch.path);
    node.reset(next);  // rebind: `node = next` would overwrite the parent with the child
  }
  const Segment& last = path.back();
  switch (patch.op) {
    case Patch::Op::kSet:
      if (last.key.empty()) {
        if (!node.IsSequence() || last.index >= node.size())
          return fmt::format("`{}`: no such list item to set", patch.path);
        node[last.index] = YAML::Load(patch.value_json);
      } else {
        if (!node.IsMap())
          return fmt::format("`{}`: not in a mapping", patch.path);
        node[last.key] = YAML::Load(patch.value_json);
      }
      return "";
    case Patch::Op::kRemove:
      if (last.key.empty()) {
        if (!node.IsSequence() || last.index >= node.size())
          return fmt::format("`{}`: no such list item to remove", patch.path);
        YAML::Node kept(YAML::NodeType::Sequence);
        for (size_t k = 0; k < node.size(); ++k) {
          if (k != last.index)
            kept.push_back(node[k]);
        }
        node = kept;  // yaml-cpp replaces the sequence in place
      } else if (!node.IsMap() || !node.remove(last.key)) {
        return fmt::format("`{}`: no such key to remove", patch.path);
      }
      return "";
    case Patch::Op::kAppend: {
      YAML::Node list =
          last.key.empty()
              ? (node.IsSequence() && last.index < node.size() ? node[last.index] : YAML::Node())
              : (node.IsMap() ? node[last.key] : YAML::Node());
      if (!list.IsSequence())
        return fmt::format("`{}`: not a list to append to", patch.path);
      list.push_back(YAML::Load(patch.value_json));
      return "";
    }
  }
  return "";
}

std::string Str(const YAML::Node& node, const char* key) {
  const YAML::Node v = node[key];
  return v && v.IsScalar() ? v.Scalar() : "";
}

bool Fail(const std::string& file, const YAML::Node& at, const std::string& what,
          std::string& error) {
  error = fmt::format("{}:{}: {}", file, at.Mark().line + 1, what);
  return false;
}

std::string Describe(const std::string& rule, const std::string& item, const std::string& status,
                     const std::string& message) {
  std::string out = rule;
  if (!item.empty())
    out += fmt::format(" [{}]", item);
  if (!status.empty())
    out += fmt::format(" ({})", status);
  if (!message.empty())
    out += fmt::format(": {}", message);
  return out;
}

}  // namespace

bool LoadTestFile(const std::string& path, TestFile& file, std::string& error) {
  std::string text;
  if (std::string why = ReadBounded(path, {limits::kMaxPolicySourceBytes, false}, text);
      !why.empty()) {
    error = fmt::format("{}: {}", path, why);
    return false;
  }
  return LoadTestText(path, text, file, error);
}

bool LoadTestText(const std::string& path, const std::string& text, TestFile& file,
                  std::string& error) {
  file.path = path;
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    error = fmt::format("{}:{}: not YAML: {}", path, e.mark.line + 1, e.msg);
    return false;
  }
  if (root.IsMap()) {
    for (const auto& kv : root) {
      const std::string key = kv.first.Scalar();
      if (key != "tests" && key != "policy")
        return Fail(
            path, kv.first,
            fmt::format("unknown key `{}` (a test file has tests and optionally policy)", key),
            error);
    }
    if (const YAML::Node policy = root["policy"]) {
      if (!policy.IsScalar() || policy.Scalar().empty())
        return Fail(path, policy, "`policy` is the path of the policy tested", error);
      file.policy = (fs::path(path).parent_path() / policy.Scalar()).lexically_normal().string();
    }
  }
  const YAML::Node tests = root.IsMap() ? root["tests"] : YAML::Node();
  if (!tests || !tests.IsSequence() || tests.size() == 0)
    return Fail(path, root, "expected `tests:` with a list of test cases", error);
  for (const YAML::Node& t : tests) {
    if (!t.IsMap())
      return Fail(path, t, "a test case is a mapping (name, facts, expect)", error);
    for (const auto& kv : t) {
      const std::string key = kv.first.Scalar();
      if (key != "name" && key != "facts" && key != "previous" && key != "patch" && key != "now" &&
          key != "expect")
        return Fail(path, kv.first, fmt::format("unknown key `{}` in a test case", key), error);
    }
    TestCase c;
    c.line = t.Mark().line + 1;
    c.name = Str(t, "name");
    if (c.name.empty())
      return Fail(path, t, "a test case needs a `name`", error);
    if (const YAML::Node previous = t["previous"]) {
      if (previous.IsScalar())
        c.previous.push_back(previous.Scalar());
      for (size_t k = 0; previous.IsSequence() && k < previous.size(); ++k)
        c.previous.push_back(previous[k].Scalar());
    }
    const YAML::Node facts = t["facts"];
    if (facts && facts.IsScalar()) {
      c.facts.push_back(facts.Scalar());
    } else if (facts && facts.IsSequence()) {
      for (const YAML::Node& f : facts)
        c.facts.push_back(f.Scalar());
    }
    if (c.facts.empty())
      return Fail(path, t, fmt::format("test `{}` needs `facts`: a fixture file or a list", c.name),
                  error);
    if (const YAML::Node patches = t["patch"]) {
      if (!patches.IsSequence())
        return Fail(path, patches, "`patch` is a list of set/remove/append", error);
      for (const YAML::Node& p : patches) {
        Patch patch;
        if (p["set"]) {
          patch = {Patch::Op::kSet, Str(p, "set"), ToJson(p["value"])};
        } else if (p["remove"]) {
          patch = {Patch::Op::kRemove, Str(p, "remove"), ""};
        } else if (p["append"]) {
          patch = {Patch::Op::kAppend, Str(p, "append"), ToJson(p["value"])};
        } else {
          return Fail(path, p,
                      "a patch is `set: PATH, value: V`, `remove: PATH` or `append: "
                      "PATH, value: V`",
                      error);
        }
        if ((patch.op != Patch::Op::kRemove) && !p["value"])
          return Fail(path, p, "this patch needs a `value`", error);
        c.patches.push_back(patch);
      }
    }
    c.now = Str(t, "now");
    const YAML::Node expect = t["expect"];
    if (!expect || !expect.IsMap())
      return Fail(path, t, fmt::format("test `{}` needs `expect:` with a verdict", c.name), error);
    c.verdict = Str(expect, "verdict");
    if (c.verdict != "open" && c.verdict != "shut" && c.verdict != "undecided")
      return Fail(path, expect, "`verdict` is open, shut or undecided", error);
    if (const YAML::Node findings = expect["findings"]) {
      for (const YAML::Node& f : findings) {
        ExpectedFinding e{Str(f, "rule"), Str(f, "item"), Str(f, "message"), Str(f, "status")};
        if (e.rule.empty())
          return Fail(path, f, "an expected finding needs its `rule`", error);
        for (const char* key : {"count", "at_least"}) {
          if (const YAML::Node n = f[key]) {
            try {
              e.count = n.as<int64_t>();
            } catch (const YAML::Exception&) {
              e.count = -1;
            }
            if (e.count < 0 || (f["count"] && f["at_least"]))
              return Fail(path, n, "`count` or `at_least`: a number of findings, one of them",
                          error);
            e.at_least = std::string_view(key) == "at_least";
          }
        }
        c.findings.push_back(e);
      }
    }
    if (const YAML::Node errors = expect["errors"]) {
      for (const YAML::Node& e : errors) {
        if (Str(e, "rule").empty())
          return Fail(path, e, "an expected error needs its `rule`", error);
        c.errors.push_back({Str(e, "rule"), Str(e, "path")});
      }
    }
    file.cases.push_back(std::move(c));
  }
  return true;
}

CaseResult RunCase(const compile::Program& program, const TestFile& file, const TestCase& test,
                   compile::Recorder* coverage) {
  CaseResult r;
  r.name = test.name;
  r.line = test.line;
  const fs::path base = fs::path(file.path).parent_path();
  facts::FactSet set;
  for (const std::string& fixture : test.facts) {
    // `npm-lock:package-lock.json`: evidence imported as `eval --facts KIND:FILE` does.
    if (const size_t colon = fixture.find(':');
        colon != std::string::npos && import::FindKind(fixture.substr(0, colon)) != nullptr) {
      facts::LoadError error;
      const std::string path = (base / fixture.substr(colon + 1)).lexically_normal().string();
      if (!LoadFacts({fixture.substr(0, colon + 1) + path}, set, error)) {
        r.problem = error.ToString();
        return r;
      }
      continue;
    }
    const std::string path = (base / fixture).lexically_normal().string();
    std::string text;
    if (std::string why = ReadBounded(path, {limits::kMaxFactsBytes, false}, text); !why.empty()) {
      r.problem = fmt::format("the fixture `{}` {}", path, why);
      return r;
    }
    facts::LoadError error;
    std::unique_ptr<facts::Document> doc;
    if (test.patches.empty()) {
      doc = facts::ParseDocument(text, path, facts::Format::kAuto, error);
    } else {
      // Patched: through yaml-cpp (JSON is YAML), then read back as JSON.
      YAML::Node root;
      try {
        root = YAML::Load(text);
      } catch (const YAML::Exception& e) {
        r.problem = fmt::format("the fixture `{}` is not YAML: {}", path, e.msg);
        return r;
      }
      for (const Patch& p : test.patches) {
        std::vector<Segment> segments;
        if (!ParsePath(p.path, segments)) {
          r.problem = fmt::format("the patch path `{}` is not a fact path (`a.b[2].c`)", p.path);
          return r;
        }
        if (!root[segments.front().key] && test.facts.size() > 1)
          continue;  // another fixture holds this fact
        if (std::string why = Apply(root, p); !why.empty()) {
          r.problem = fmt::format("cannot patch `{}`: {}", path, why);
          return r;
        }
      }
      doc = facts::ParseJson(ToJson(root), fmt::format("{} (patched)", path), error);
    }
    if (!doc || !set.Add(std::move(doc), error)) {
      r.problem = error.ToString();
      return r;
    }
  }
  if (!test.previous.empty()) {
    std::vector<std::string> files;
    for (const std::string& f : test.previous)
      files.push_back((base / f).lexically_normal().string());
    std::string found;
    facts::LoadError error;
    auto previous = LoadPrevious(files, "", "", found, error);
    if (!previous || !set.Add(std::move(previous), error)) {
      r.problem = error.ToString();
      return r;
    }
  }
  eval::EvalOptions options;
  const std::string now = !test.now.empty() ? test.now : set.StringAt("release", "built_at");
  const auto t = ParseRfc3339(now) ? ParseRfc3339(now) : ParseDate(now);
  if (!t) {
    r.problem = test.now.empty() ? "give `now`: the facts have no RFC 3339 release.built_at"
                                 : fmt::format("`now` is not an RFC 3339 time or a date: {}", now);
    return r;
  }
  options.now = *t;
  options.coverage = coverage;
  const eval::Decision d = Decide(program, set, options);
  const std::string verdict = eval::VerdictName(d.verdict);
  if (verdict != test.verdict)
    r.diff.push_back(fmt::format("verdict: expected {}, got {}", test.verdict, verdict));
  std::vector<bool> used(d.findings.size(), false);
  for (const ExpectedFinding& e : test.findings) {
    auto matches = [&](const eval::Finding& f) {
      return f.rule == e.rule && (e.item.empty() || e.item == f.item) &&
             (e.message.empty() || e.message == f.message) &&
             (e.status.empty() || e.status == eval::StatusName(f.status));
    };
    // One finding per plain expectation; every matching one for a count.
    const bool counted = e.count != 1 || e.at_least;
    int64_t found = 0;
    for (size_t k = 0; k < d.findings.size() && (counted || found == 0); ++k) {
      if (!used[k] && matches(d.findings[k])) {
        used[k] = true;
        ++found;
      }
    }
    if (!counted && found == 0) {
      r.diff.push_back(
          fmt::format("- expected finding {}", Describe(e.rule, e.item, e.status, e.message)));
    } else if (counted && (e.at_least ? found < e.count : found != e.count)) {
      r.diff.push_back(fmt::format("- expected {}{} findings {}, got {}",
                                   e.at_least ? "at least " : "", e.count,
                                   Describe(e.rule, e.item, e.status, e.message), found));
    }
  }
  for (size_t k = 0; k < d.findings.size(); ++k) {
    if (!used[k]) {
      const eval::Finding& f = d.findings[k];
      r.diff.push_back(
          fmt::format("+ unexpected finding {}",
                      Describe(f.rule, f.item, eval::StatusName(f.status), f.message)));
    }
  }
  std::vector<bool> matched(d.errors.size(), false);
  for (const ExpectedError& e : test.errors) {
    bool found = false;
    for (size_t k = 0; k < d.errors.size() && !found; ++k) {
      if (!matched[k] && d.errors[k].rule == e.rule &&
          (e.path.empty() || e.path == d.errors[k].path))
        matched[k] = found = true;
    }
    if (!found)
      r.diff.push_back(fmt::format("- expected error {}{}", e.rule,
                                   (e.path.empty() ? "" : fmt::format(" at {}", e.path))));
  }
  for (size_t k = 0; k < d.errors.size(); ++k) {
    if (!matched[k]) {
      r.diff.push_back(
          fmt::format("+ unexpected error {}: {}{}", d.errors[k].rule, d.errors[k].message,
                      (d.errors[k].path.empty() ? "" : fmt::format(" (at {})", d.errors[k].path))));
    }
  }
  r.passed = r.diff.empty();
  return r;
}

}  // namespace relgate::policytest
