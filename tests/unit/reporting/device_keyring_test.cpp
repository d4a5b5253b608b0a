#include "reporting/device_keyring.hpp"

#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <thread>
#include <vector>

namespace edugate::reporting {
namespace {

const std::array<std::uint8_t, 4> kAddr{10, 1, 2, 3};
const std::array<std::uint8_t, 4> kOther{10, 1, 2, 4};

TEST(DeviceKeyring, NoKeyBeforeRotateMeansNoDevice) {
  DeviceKeyring ring;
  EXPECT_FALSE(ring.key_for(100).has_value());
  EXPECT_EQ(device_key(ring, kAddr, 100), kNoDevice);
}

TEST(DeviceKeyring, SameDaySameKeyDifferentAddressesDiffer) {
  DeviceKeyring ring;
  ASSERT_TRUE(ring.rotate(100));
  const auto a = device_key(ring, kAddr, 100);
  EXPECT_NE(a, kNoDevice);
  EXPECT_EQ(a, device_key(ring, kAddr, 100));
  EXPECT_NE(a, device_key(ring, kOther, 100));
}

TEST(DeviceKeyring, KeysRotateDailyAndOldDaysAreErased) {
  DeviceKeyring ring;
  ASSERT_TRUE(ring.rotate(100));
  const auto today = device_key(ring, kAddr, 100);
  const auto tomorrow = device_key(ring, kAddr, 101);
  EXPECT_NE(tomorrow, kNoDevice) << "tomorrow's key is made in advance for midnight";
  EXPECT_NE(today, tomorrow) << "the same address must not be linkable across days";
  EXPECT_EQ(device_key(ring, kAddr, 102), kNoDevice);
  ASSERT_TRUE(ring.rotate(101));
  EXPECT_EQ(device_key(ring, kAddr, 100), kNoDevice) << "yesterday's key is gone";
  EXPECT_EQ(device_key(ring, kAddr, 101), tomorrow) << "rotation keeps an existing day's key";
  EXPECT_NE(device_key(ring, kAddr, 102), kNoDevice);
}

TEST(DeviceKeyring, KeysCarryTheirDaysParity) {
  DeviceKeyring ring;
  ring.rotate(100);
  EXPECT_TRUE(device_key_fits(device_key(ring, kAddr, 100), 100));
  EXPECT_FALSE(device_key_fits(device_key(ring, kAddr, 100), 101));
  EXPECT_TRUE(device_key_fits(device_key(ring, kAddr, 101), 101));
  EXPECT_FALSE(device_key_fits(kNoDevice, 100));
}

TEST(DeviceKeyring, TwoKeyringsNeverAgree) {
  DeviceKeyring a, b;
  a.rotate(5);
  b.rotate(5);
  EXPECT_NE(device_key(a, kAddr, 5), device_key(b, kAddr, 5));
}

TEST(DeviceKeyring, FailingRandomSourceLeavesNoKey) {
  DeviceKeyring ring([](std::span<std::uint8_t>) { return false; });
  EXPECT_FALSE(ring.rotate(7));
  EXPECT_EQ(device_key(ring, kAddr, 7), kNoDevice);
}

TEST(DeviceKeyring, ReadersDuringRotationSeeOnlyWholeKeys) {
  DeviceKeyring ring;
  ring.rotate(0);
  std::atomic<bool> stop{false};
  std::atomic<int> bad{0};
  std::thread reader([&] {
    while (!stop.load()) {
      for (LocalDay d = 0; d < 50; ++d) {
        const auto k1 = device_key(ring, kAddr, d);
        const auto k2 = device_key(ring, kAddr, d);
        if (k1 != kNoDevice && k2 != kNoDevice && k1 != k2) ++bad;
      }
    }
  });
  for (LocalDay d = 0; d < 2000; ++d) ring.rotate(d % 48);
  stop = true;
  reader.join();
  EXPECT_EQ(bad.load(), 0);
}

}  // namespace
}  // namespace edugate::reporting
