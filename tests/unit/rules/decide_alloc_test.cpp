// decide() must not allocate on the hot path. This executable replaces the global operator new
// with a counting one, so it is kept apart from edugate_rules_tests.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>

#include "rules/decide.hpp"
#include "tests/unit/rules/support/sample_rules.hpp"
#include "tests/unit/rules/support/temp_tree.hpp"

namespace {
std::atomic<long> g_allocations{0};
}  // namespace

void* operator new(std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  return std::malloc(size == 0 ? 1 : size);
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace edugate::rules {
namespace {

using testing::at;
using testing::connect_facts;
using testing::http_facts;

TEST(DecideAllocations, NoneOnTheHotPath) {
  testing::TempTree tree;
  tree.write("department.yaml", testing::kDepartment);
  tree.write("school.yaml", testing::kSchool);
  const auto loaded = testing::load_tree(tree, "department.yaml", "school.yaml");
  ASSERT_TRUE(loaded.rules) << testing::all(loaded.diagnostics);
  ASSERT_GT(g_allocations.load(), 1000) << "the counting operator new is not in use";
  const RuleSet& rules = *loaded.rules;
  const LocalTime monday = at(0, 10, 0);
  const RequestFacts requests[] = {
      http_facts(1, "www.porn.example", "/", "", monday),           // mandatory block
      http_facts(1, "www.example.com", "/a/b?c", "x=1", monday),    // nothing matches
      http_facts(1, "roblox.com", "/", "", monday),                 // scheduled block
      http_facts(1, "edu.roblox.com", "/", "", monday),             // group exception
      http_facts(1, "news.example", "/games/1", "", monday),        // URL prefix
      http_facts(1, "video.example", "/lessons/2", "", monday),     // URL exception
      http_facts(3, "bet888.example", "/", "", monday),             // regex, mandatory
      http_facts(2, "facebook.com", "/", "", monday),               // warn
      http_facts(1, "www.google.com", "/maps", "", monday),         // safe search
      connect_facts(1, "allowed.example", "porn.example", monday),  // SNI mismatch
      connect_facts(1, "93.184.216.34", "", monday),                // bare IP
      connect_facts(3, "2001:db8::1", "", monday),
  };
  for (const auto& f : requests) (void)decide(rules, f);  // warm RE2's DFA state cache
  for (const auto& f : requests) {
    const long before = g_allocations.load();
    for (int i = 0; i < 100; ++i) (void)decide(rules, f);
    EXPECT_EQ(g_allocations.load() - before, 0) << f.host << f.path;
  }
}

}  // namespace
}  // namespace edugate::rules
