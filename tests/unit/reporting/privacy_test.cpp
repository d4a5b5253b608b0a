// Feed traffic from several client addresses and URLs through the reporting API the way the
// proxy does, then scan every byte the store wrote (the database, its WAL and shared-memory
// files) for anything identifying: addresses as text and as bytes, the device hashes, paths,
// query strings and full host names of allowed requests.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "fixtures.hpp"
#include "reporting/device_keyring.hpp"
#include "reporting/flusher.hpp"
#include "rules/request_facts.hpp"
#include "test_support.hpp"

namespace edugate::reporting {
namespace {

struct Visit {
  std::vector<std::uint8_t> address;
  std::string address_text;
  rules::RequestFacts facts;
  rules::Decision decision;
};

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<Visit> visits() {
  std::vector<Visit> v;
  auto facts = [](const char* host, const char* path, const char* query) {
    rules::RequestFacts f;
    f.host = host;
    f.path = path;
    f.query = query;
    f.at = {20'700, 9 * 60 + 41, 2};
    return f;
  };
  v.push_back({{10, 23, 45, 67},
               "10.23.45.67",
               facts("www.casino-secret.example.com", "/pupil-diary/entry-42", "name=NguyenVanA"),
               testing::block(0)});
  v.push_back({{192, 168, 77, 201},
               "192.168.77.201",
               facts("private-blog.example.org", "/users/tran.thi.b/photos", "session=abcdef123"),
               testing::allow()});
  v.push_back({{0x20, 0x01, 0x0d, 0xb8, 0xca, 0xfe, 0, 0, 0, 0, 0, 0, 0xde, 0xad, 0xbe, 0xef},
               "2001:db8:cafe::dead:beef",
               facts("m.games-hidden.example.net", "/play/level-9", "token=SECRETTOKEN99"),
               testing::block(2)});
  return v;
}

TEST(Privacy, StoreFilesHoldNoAddressHashPathQueryOrAllowedHost) {
  testing::TempDir dir;
  DeviceKeyring ring;
  ring.rotate(20'700);
  Aggregator agg;
  Recorder& r = agg.add_recorder();
  r.set_labels(testing::sample_labels());
  Flusher flusher(agg, {{dir.file("edugate.db")}, 8});
  std::vector<DeviceKey> keys;
  for (int round = 0; round < 30; ++round) {
    for (const auto& v : visits()) {
      const auto key = device_key(ring, v.address, v.facts.at.day);
      keys.push_back(key);
      r.count(v.decision, 1, HourBucket::from(v.facts.at), v.facts.host, key);
    }
    if (round % 10 == 9) {
      ASSERT_TRUE(flusher.flush(20'700).ok());
    }
  }
  std::string all;
  int files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) {
    all += slurp(e.path());
    ++files;
  }
  EXPECT_GE(files, 2) << "the WAL (and shm) files are scanned too";
  ASSERT_NE(all.find("example.com"), std::string::npos) << "the scan does see the store's text";
  for (const auto& v : visits()) {
    EXPECT_EQ(all.find(v.address_text), std::string::npos) << v.address_text;
    const std::string raw(v.address.begin(), v.address.end());
    EXPECT_EQ(all.find(raw), std::string::npos) << "raw bytes of " << v.address_text;
    EXPECT_EQ(all.find(v.facts.path), std::string::npos) << v.facts.path;
    EXPECT_EQ(all.find(v.facts.query), std::string::npos) << v.facts.query;
    EXPECT_EQ(all.find(v.facts.host), std::string::npos) << "full host " << v.facts.host;
  }
  EXPECT_EQ(all.find("private-blog"), std::string::npos) << "allowed sites leave no domain";
  for (const auto key : keys) {
    std::string le(8, '\0');
    for (int i = 0; i < 8; ++i) le[static_cast<std::size_t>(i)] = static_cast<char>(key >> (8 * i));
    ASSERT_EQ(all.find(le), std::string::npos) << "a device hash reached the disk";
  }
  EXPECT_EQ(all.find(":41"), std::string::npos) << "no minute-level time";
}

}  // namespace
}  // namespace edugate::reporting
