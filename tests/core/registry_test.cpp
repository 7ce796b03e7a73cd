// Registry<Factory>: adding, looking up, listing, errors that name what is known, static
// registration through XGRAD_REGISTER, and concurrent use.
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <thread>
#include <vector>

#include <xgrad/core/registry.hpp>

namespace xg = xgrad;

namespace {

using IntFactory = std::function<int(int)>;

xg::Registry<IntFactory>& test_registry() {
  static xg::Registry<IntFactory> registry("widget");
  return registry;
}

int triple(int x) {
  return 3 * x;
}

}  // namespace

XGRAD_REGISTER(test_registry(), "double", [](int x) { return 2 * x; });
XGRAD_REGISTER(test_registry(), "triple", triple);

TEST(Registry, StaticRegistrationIsVisibleAndCallable) {
  EXPECT_TRUE(test_registry().contains("double"));
  EXPECT_EQ(test_registry().get("double")(21), 42);
  EXPECT_EQ(test_registry().get("triple")(5), 15);
}

TEST(Registry, NamesAreSorted) {
  xg::Registry<IntFactory> r("thing");
  r.add("zeta", triple);
  r.add("alpha", triple);
  r.add("mid", triple);
  EXPECT_EQ(r.names(), (std::vector<std::string>{"alpha", "mid", "zeta"}));
  EXPECT_EQ(r.kind(), "thing");
}

TEST(Registry, UnknownNameListsTheKnownOnes) {
  xg::Registry<IntFactory> r("sampler");
  r.add("random", triple);
  r.add("grid", triple);
  try {
    r.get("gq");
    FAIL() << "expected ValueError";
  } catch (const xg::ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("unknown sampler 'gq'; known: grid, random"),
              std::string::npos)
        << e.what();
  }
}

TEST(Registry, EmptyRegistrySaysNothingIsRegistered) {
  xg::Registry<IntFactory> r("pruner");
  try {
    r.get("median");
    FAIL() << "expected ValueError";
  } catch (const xg::ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("no pruner is registered"), std::string::npos) << e.what();
  }
}

TEST(Registry, TakenOrEmptyNameIsRefused) {
  xg::Registry<IntFactory> r("storage");
  r.add("memory", triple);
  EXPECT_THROW(r.add("memory", triple), xg::ValueError);
  EXPECT_THROW(r.add("", triple), xg::ValueError);
  EXPECT_EQ(r.get("memory")(1), 3);  // the first registration is kept
}

TEST(Registry, ConcurrentAddAndLookup) {
  xg::Registry<IntFactory> r("widget");
  r.add("base", triple);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&r, t] {
      for (int i = 0; i < 200; ++i) {
        r.add("w" + std::to_string(t) + "_" + std::to_string(i), triple);
        EXPECT_EQ(r.get("base")(i), 3 * i);
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(r.names().size(), 801u);
}
