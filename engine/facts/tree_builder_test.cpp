#include "engine/facts/tree_builder.h"

#include <doctest/doctest.h>

#include "engine/base/limits.h"

namespace relgate::facts {
namespace {

TEST_CASE("the tree builder builds what the loaders build") {
  TreeBuilder b("x");
  b.BeginObject();
  b.Field("name", "left-pad");
  b.Key("deps");
  b.BeginArray();
  b.Int(1);
  b.Bool(true);
  b.Null();
  b.EndArray();
  b.EndObject();
  LoadError error;
  auto doc = b.Finish(error);
  REQUIRE(doc);
  CHECK(doc->root().Find("name")->str() == "left-pad");
  CHECK(doc->root().Find("deps")->len == 3);
  CHECK(doc->root().Find("deps")->items[0].i == 1);
}

TEST_CASE("the tree builder holds imported facts to the loaders' limits, with the path") {
  {
    TreeBuilder b("dup");
    b.BeginObject();
    b.Key("a");
    b.BeginArray();
    b.BeginObject();
    b.Field("k", "1");
    b.Field("k", "2");
    b.EndObject();
    b.EndArray();
    b.EndObject();
    LoadError error;
    CHECK(!b.Finish(error));
    CHECK(error.message == "duplicate key \"k\"");
    CHECK(error.path == "a[0].k");
  }
  {
    TreeBuilder b("utf8");
    b.BeginObject();
    b.Field("bad", std::string("\xff", 1));
    b.EndObject();
    LoadError error;
    CHECK(!b.Finish(error));
    CHECK(error.message == "a string that is not valid UTF-8");
    CHECK(error.path == "bad");
  }
  {
    TreeBuilder b("deep");
    b.BeginObject();
    b.Key("x");
    for (size_t k = 0; k < limits::kMaxFactsDepth + 5; ++k)
      b.BeginArray();
    LoadError error;
    CHECK(!b.Finish(error));
    CHECK(error.message.find("nested deeper than") == 0);
  }
  {
    TreeBuilder b("list");
    b.BeginArray();
    b.EndArray();
    LoadError error;
    CHECK(!b.Finish(error));
    CHECK(error.message == "the top level must be a mapping of fact names");
  }
}

}  // namespace
}  // namespace relgate::facts
