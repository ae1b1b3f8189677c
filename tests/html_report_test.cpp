// The HTML replay report in a real browser: headless Chromium (Debian `chromium`, which
// `make test` installs) loads the page, must log nothing to its console (a script error,
// a blocked fetch, a Content-Security-Policy violation would), and the figures read back
// from the DOM it rendered must equal the JSON report of the same replay.
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include <doctest/doctest.h>

#include "engine/facts/facts.h"
#include "tests/cli_util.h"
#include "tests/test_util.h"
#include <unistd.h>

namespace relgate {
namespace {

namespace fs = std::filesystem;
using testing::RunRelgate;

struct Rendered {
  int exit_code = -1;
  std::string dom;                   // the DOM after loading, serialised
  std::vector<std::string> console;  // console messages Chromium logged
};

// Loads `page` in headless Chromium (its own profile directory, so tests may run at once;
// no sandbox, which needs privileges a CI container lacks, for a local file of our own).
Rendered Render(const fs::path& page, const fs::path& work) {
  const fs::path dom = work / "dom.html", log = work / "chromium.log";
  const std::string command =
      "timeout 120 chromium --headless --no-sandbox --disable-gpu --no-first-run "
      "--user-data-dir='" +
      (work / "profile").string() + "' --enable-logging=stderr --v=0 --dump-dom 'file://" +
      fs::absolute(page).string() + "' >'" + dom.string() + "' 2>'" + log.string() + "'";
  Rendered r;
  const int status = std::system(command.c_str());
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.dom = testing::ReadFile(dom.string());
  std::istringstream lines(testing::ReadFile(log.string()));
  for (std::string line; std::getline(lines, line);) {
    if (line.find(":CONSOLE") != std::string::npos)
      r.console.push_back(line);
  }
  return r;
}

fs::path WorkDir(const char* name) {
  const fs::path dir = fs::temp_directory_path() /
                       ("relgate-html-" + std::string(name) + "-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

// Every match of `pattern`'s groups in `text`.
std::vector<std::smatch> All(const std::string& text, const std::string& pattern) {
  std::vector<std::smatch> out;
  const std::regex re(pattern);
  for (auto it = std::sregex_iterator(text.begin(), text.end(), re); it != std::sregex_iterator();
       ++it)
    out.push_back(*it);
  return out;
}

int64_t Int(const facts::Node* node) {
  REQUIRE(node != nullptr);
  REQUIRE(node->kind == facts::NodeKind::kInt);
  return node->i;
}

TEST_CASE("the console check sees a page's errors (so a clean page is a real result)") {
  const fs::path work = WorkDir("control");
  std::ofstream(work / "bad.html")
      << "<!DOCTYPE html><html><head><meta http-equiv=\"Content-Security-Policy\" "
         "content=\"default-src 'none'\"></head><body><img src=\"https://example.invalid/x.png\">"
         "</body></html>\n";
  const Rendered r = Render(work / "bad.html", work);
  CHECK(r.exit_code == 0);
  REQUIRE(r.console.size() == 1);
  CHECK(r.console[0].find("violates the following Content Security Policy") != std::string::npos);
  fs::remove_all(work);
}

TEST_CASE("the HTML report renders with no console errors and shows the JSON report's figures") {
  const fs::path work = WorkDir("report");
  const std::string args =
      "replay --policy tests/data/replay/stricter --history tests/data/workload/sample.ndjson "
      "--baseline policies --format ";
  const auto html = RunRelgate(args + "html --output '" + (work / "replay.html").string() + "'");
  CHECK(html.exit_code == 1);
  CHECK(html.output.empty());
  const auto json = RunRelgate(args + "json", false);
  REQUIRE(json.exit_code == 1);
  facts::LoadError error;
  auto doc = facts::ParseJson(json.output, "replay.json", error);
  REQUIRE(doc);
  const facts::Node& report = doc->root();

  // Self-contained: nothing to fetch and nothing to run.
  const std::string page = testing::ReadFile((work / "replay.html").string());
  CHECK(page.find("<script") == std::string::npos);
  CHECK(page.find(" src=") == std::string::npos);
  CHECK(page.find(" href=") == std::string::npos);
  CHECK(page.find("default-src 'none'") != std::string::npos);

  const Rendered r = Render(work / "replay.html", work);
  CAPTURE(r.console.size() > 0 ? r.console[0] : "");
  CHECK(r.exit_code == 0);
  CHECK(r.console.empty());
  REQUIRE(r.dom.find("<h1>Policy replay</h1>") != std::string::npos);

  // The totals.
  std::map<std::string, int64_t> totals;
  for (const auto& m : All(r.dom, R"re(<td data-figure="([a-z.]+)">(\d+)</td>)re"))
    totals[m[1]] = std::stoll(m[2]);
  CHECK(totals["releases"] == Int(report.Find("releases")));
  CHECK(totals["unreadable"] == Int(report.Find("unreadable")));
  CHECK(totals["blocked.candidate"] == Int(report.Find("blocked")->Find("candidate")));
  CHECK(totals["blocked.baseline"] == Int(report.Find("blocked")->Find("baseline")));

  // Per rule, under the candidate and the baseline.
  const auto rows = All(r.dom, R"re(<tr data-rule="([^"]+)">(.*?)</tr>)re");
  CHECK(rows.size() == report.Find("rules")->Find("candidate")->len);
  for (const auto& row : rows) {
    const std::string rule = row[1], cells = row[2];
    CAPTURE(rule);
    for (const char* policy : {"candidate", "baseline"}) {
      // A rule the policy does not have is absent from its JSON counts: 0 in the page.
      const facts::Node* counts = report.Find("rules")->Find(policy)->Find(rule);
      for (const char* what : {"blocks", "undecided", "holds", "warns"}) {
        const std::regex cell(std::string("data-figure=\"") + policy + "." + what + "\">(\\d+)<");
        std::smatch m;
        REQUIRE(std::regex_search(cells, m, cell));
        CHECK(std::stoll(m[1]) == (counts != nullptr ? Int(counts->Find(what)) : 0));
      }
    }
  }

  // Newly blocked releases grouped by rule: each rule's count is the number of newly blocked
  // releases the JSON lists with it.
  std::map<std::string, int64_t> by_rule;
  const facts::Node* newly = report.Find("newly_blocked");
  REQUIRE(newly != nullptr);
  for (uint32_t k = 0; k < newly->len; ++k) {
    const facts::Node* rules = newly->items[k].Find("rules");
    for (uint32_t j = 0; j < rules->len; ++j)
      ++by_rule[std::string(rules->items[j].str())];
  }
  const auto grouped = All(
      r.dom, R"re(<tr data-blocking-rule="([^"]+)">.*?data-figure="by_rule.releases">(\d+)<)re");
  CHECK(grouped.size() == by_rule.size());
  for (const auto& g : grouped)
    CHECK(std::stoll(g[2]) == by_rule[g[1]]);

  // The weekly charts: every bar's count equals the JSON week's (0 for a week or a rule
  // the JSON does not list), and every JSON figure has its bar.
  std::map<std::string, std::map<std::string, std::pair<int64_t, int64_t>>> weeks;  // rule, week
  const facts::Node* json_weeks = report.Find("weeks");
  REQUIRE(json_weeks != nullptr);
  for (uint32_t k = 0; k < json_weeks->len; ++k) {
    const facts::Node& w = json_weeks->items[k];
    const facts::Node* rules = w.Find("rules");
    for (uint32_t j = 0; j < rules->len; ++j) {
      const facts::Member& m = rules->members[j];
      weeks[std::string(m.name())][std::string(w.Find("week")->str())] = {
          Int(m.value.Find("candidate")), Int(m.value.Find("baseline"))};
    }
  }
  size_t bars = 0, nonzero = 0, expected_nonzero = 0;
  for (const auto& [rule, by_week] : weeks) {
    for (const auto& [week, n] : by_week)
      expected_nonzero += (n.first > 0) + (n.second > 0);
  }
  for (const auto& chart :
       All(r.dom, R"re(<section class="chart" data-rule="([^"]+)">([\s\S]*?)</section>)re")) {
    const std::string rule = chart[1], svg = chart[2];
    for (
        const auto& bar :
        All(svg,
            R"re(data-week="([0-9-]+)" data-policy="(candidate|baseline)" data-count="(\d+)")re")) {
      ++bars;
      const auto& n = weeks[rule][bar[1]];
      const int64_t expected = bar[2] == "candidate" ? n.first : n.second;
      CAPTURE(rule);
      CAPTURE(bar[1].str());
      CHECK(std::stoll(bar[3]) == expected);
      nonzero += expected > 0;
    }
  }
  CHECK(bars > 100);
  CHECK(nonzero == expected_nonzero);

  // The newly blocked and newly allowed releases, in the same order.
  for (const char* list : {"newly_blocked", "newly_allowed"}) {
    const facts::Node* changes = report.Find(list);
    std::vector<std::string> in_json, in_page;
    for (uint32_t k = 0; k < changes->len; ++k)
      in_json.emplace_back(changes->items[k].Find("release")->str());
    const size_t table = r.dom.find(std::string("id=\"") + list + "\"");
    if (table != std::string::npos) {
      const std::string rest = r.dom.substr(table, r.dom.find("</table>", table) - table);
      for (const auto& m : All(rest, R"re(<tr data-release="([^"]+)">)re"))
        in_page.push_back(m[1]);
    }
    CHECK(in_page == in_json);
  }
  CHECK(r.dom.find("signed</code>: missing fact (expected string) (provenance.signed_by)") !=
        std::string::npos);
  fs::remove_all(work);
}

}  // namespace

TEST_CASE("on a history of one or two weeks the chart's date labels stay apart") {
  const fs::path dir = WorkDir("short");
  // The first releases of the example history: a few days, one or two weeks.
  std::ifstream in(testing::SourceDir() + "/examples/history/releases.jsonl");
  std::ofstream out(dir / "short.jsonl");
  std::string line;
  for (int k = 0; k < 8 && std::getline(in, line); ++k)
    out << line << "\n";
  out.close();
  const auto run = RunRelgate(
      "replay --policy examples/history/candidate --baseline policies "
      "--history '" +
      (dir / "short.jsonl").string() + "' --format html --output '" +
      (dir / "report.html").string() + "'");
  CAPTURE(run.output);
  const std::string html = testing::ReadFile((dir / "report.html").string());
  const std::regex svg(R"re(<svg [^>]*width="(\d+)")re");
  int charts = 0;
  for (std::sregex_iterator it(html.begin(), html.end(), svg), end; it != end; ++it) {
    ++charts;
    CHECK(std::stoi((*it)[1]) >= 32 + 2 * 64);  // two 10-character dates, apart
  }
  CHECK(charts > 0);
}

}  // namespace relgate
