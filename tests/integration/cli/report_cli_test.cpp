// `edugate report …` end to end: the real binary on a store written through the library.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>

#include "reporting/calendar.hpp"
#include "reporting/device_keyring.hpp"
#include "reporting/flusher.hpp"
#include "tests/unit/reporting/fixtures.hpp"
#include "tests/unit/reporting/test_support.hpp"

namespace edugate::reporting {
namespace {

struct Run {
  int status = -1;
  std::string output;  ///< stdout and stderr
};

Run run(const std::string& args) {
  Run r;
  const auto command = fmt::format("{} {} 2>&1", EDUGATE_BINARY, args);
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(::popen(command.c_str(), "r"), ::pclose);
  std::array<char, 4096> buf{};
  for (std::size_t n; (n = std::fread(buf.data(), 1, buf.size(), pipe.get())) > 0;)
    r.output.append(buf.data(), n);
  const int raw = ::pclose(pipe.release());
  r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  return r;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class ReportCli : public ::testing::Test {
 protected:
  void SetUp() override {
    week = *parse_iso_week("2026-W47");
    fill_store();
    std::ofstream(config) << "listeners:\n  - address: 127.0.0.1:3128\n"
                             "client_networks: [127.0.0.0/8]\n"
                             "reporting:\n  store: state.db\n  school_id: school-x\n"
                             "  school_name: Trường Tiểu học Kim Đồng\n"
                             "  signing_key: keys/school-x.key\n  k: 5\n";
  }
  void fill_store() {
    DeviceKeyring ring;
    Aggregator agg;
    Recorder& r = agg.add_recorder();
    r.set_labels(testing::sample_labels());
    Flusher flusher(agg, {{dir.file("state.db")}, 8});
    for (LocalDay d = week.from; d <= week.to; ++d) {
      ring.rotate(d);
      for (int n = 0; n < 40; ++n)
        r.count(n % 4 ? testing::allow() : testing::block(n % 3),
                static_cast<rules::GroupId>(n % 2), {d, 9}, "bet.example.com",
                device_key(ring, testing::address(n), d));
      ASSERT_TRUE(flusher.flush(d).ok());
    }
  }
  std::string in(const std::string& name) const { return dir.file(name); }

  testing::TempDir dir;
  DayRange week;
  std::string config = dir.file("edugate.yaml");
};

// Someone who can write the key directory leaves a link at the temporary name, pointing at a
// file they can read: the key must not be written through it.
TEST_F(ReportCli, KeygenNeverWritesThroughALinkAtItsTemporaryName) {
  std::filesystem::create_directories(in("keys"));
  const auto trap = in("trap");
  std::ofstream(trap) << "";
  std::filesystem::permissions(trap, std::filesystem::perms::all);
  std::filesystem::create_symlink(trap, in("keys/school-y.key.tmp"));
  auto keygen = run(fmt::format("report keygen --out {} --name school-y", in("keys")));
  ASSERT_EQ(keygen.status, 0) << keygen.output;
  EXPECT_EQ(slurp(trap), "") << "the private key went through the link";
  struct stat st {};
  ASSERT_EQ(::lstat(in("keys/school-y.key").c_str(), &st), 0);
  EXPECT_TRUE(S_ISREG(st.st_mode));
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(ReportCli, KeygenWeeklyVerifyTamperMerge) {
  auto keygen = run(fmt::format("report keygen --out {} --name school-x", in("keys")));
  ASSERT_EQ(keygen.status, 0) << keygen.output;
  struct stat st {};
  ASSERT_EQ(::stat(in("keys/school-x.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u) << "the private key is private";
  EXPECT_NE(run(fmt::format("report keygen --out {} --name school-x", in("keys"))).status, 0)
      << "never overwrites a key";

  const auto weekly =
      run(fmt::format("report weekly --week 2026-W47 --config {} -o {}", config, in("w.json")));
  ASSERT_EQ(weekly.status, 0) << weekly.output;
  const auto verify =
      run(fmt::format("report verify {} --pubkey {}", in("w.json"), in("keys/school-x.pub")));
  EXPECT_EQ(verify.status, 0) << verify.output;
  EXPECT_NE(verify.output.find("OK"), std::string::npos);

  auto text = slurp(in("w.json"));
  const auto at = text.find("\"requests\": ");
  ASSERT_NE(at, std::string::npos);
  text.insert(at + 12, "1");
  std::ofstream(in("tampered.json")) << text;
  const auto bad = run(
      fmt::format("report verify {} --pubkey {}", in("tampered.json"), in("keys/school-x.pub")));
  EXPECT_EQ(bad.status, 1);
  EXPECT_NE(bad.output.find("BAD"), std::string::npos) << bad.output;

  ASSERT_EQ(::mkdir(in("trusted").c_str(), 0755), 0);
  std::ofstream(in("trusted/school-x.pub")) << slurp(in("keys/school-x.pub"));
  const auto merged = run(fmt::format("report merge {} -o {} --pubkeys {}", in("w.json"),
                                      in("province.html"), in("trusted")));
  EXPECT_EQ(merged.status, 0) << merged.output;
  EXPECT_NE(slurp(in("province.html")).find("<svg"), std::string::npos);
  const auto refused = run(fmt::format("report merge {} {} -o {} --pubkeys {}", in("w.json"),
                                       in("tampered.json"), in("p2.json"), in("trusted")));
  EXPECT_EQ(refused.status, 1);
  EXPECT_NE(refused.output.find("refused"), std::string::npos) << refused.output;
}

TEST_F(ReportCli, CsvAndHtmlForADateRange) {
  ASSERT_EQ(run(fmt::format("report weekly --from 2026-11-16 --to 2026-11-22 --config {} -o {}",
                            config, in("r.csv")))
                .status,
            0);
  const auto csv = slurp(in("r.csv"));
  EXPECT_EQ(csv.rfind("\xEF\xBB\xBF", 0), 0u);
  EXPECT_NE(csv.find("Trường Tiểu học Kim Đồng"), std::string::npos);
  ASSERT_EQ(run(fmt::format("report weekly --week 2026-W47 --format html --config {} -o {}", config,
                            in("r.out")))
                .status,
            0);
  EXPECT_NE(slurp(in("r.out")).find("Blocked requests per day"), std::string::npos);
}

TEST_F(ReportCli, ConfigErrorsAreFileLineCol) {
  std::ofstream(config, std::ios::app) << "  k_anonymity: 5\n";
  const auto r = run(fmt::format("report weekly --week 2026-W47 --config {}", config));
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.output.find(config + ":10:3: unknown key 'k_anonymity'"), std::string::npos)
      << r.output;
  const auto w = run(fmt::format("report weekly --week 2026-W99 --config {}", config));
  EXPECT_EQ(w.status, 1);
}

}  // namespace
}  // namespace edugate::reporting
