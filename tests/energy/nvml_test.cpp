#include <dlfcn.h>

#include <cstring>
#include <stdexcept>
#include <string>

#include "support/catch.hpp"
#include "sutro/energy/nvml.hpp"

#if defined(SUTRO_CATCH2_V3)
using Catch::Approx;
#endif

using sutro::energy::nvml_meter;

namespace {
bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }
}  // namespace

TEST_CASE("NVML meter without the library says so and stop() does not throw", "[energy]") {
  nvml_meter missing(0, "libsutro-no-such-nvml.so.1");
  CHECK(!missing.available());
  CHECK(contains(missing.reason(), "libsutro-no-such-nvml.so.1 not found"));
  missing.start();
  {
    const auto r = missing.stop();
    CHECK(!r.available);
    CHECK(r.source == "NVML");
    CHECK(r.message == missing.reason());
    CHECK(r.joules == 0);
  }

  nvml_meter gpu;  // the real libnvidia-ml.so.1, where there is one
  gpu.start();
  const auto r = gpu.stop();
  if (void* h = dlopen("libnvidia-ml.so.1", RTLD_NOW | RTLD_LOCAL)) {
    dlclose(h);
    CHECK((r.available || !r.message.empty()));
  } else {
    CHECK(!gpu.available());
    CHECK(contains(gpu.reason(), "libnvidia-ml.so.1 not found"));
    CHECK(!r.available);
    CHECK(contains(r.message, "libnvidia-ml.so.1 not found"));
  }
}

#if defined(SUTRO_FAKE_NVML)
namespace {
// The test's own handle on the fake library keeps it (and its state) loaded
// while meters open and close it.
struct fake_nvml {
  void* lib = dlopen(SUTRO_FAKE_NVML, RTLD_NOW | RTLD_LOCAL);
  void (*set_)(unsigned long long, int, int) = nullptr;
  void (*counts_)(int*) = nullptr;
  fake_nvml() {
    REQUIRE(lib);
    void* s = dlsym(lib, "fake_nvml_set");
    void* c = dlsym(lib, "fake_nvml_counts");
    REQUIRE((s && c));
    std::memcpy(&set_, &s, sizeof s);
    std::memcpy(&counts_, &c, sizeof c);
  }
  ~fake_nvml() { dlclose(lib); }
  void set(unsigned long long mj, int init_rc = 0, int energy_rc = 0) { set_(mj, init_rc, energy_rc); }
  int count(int which) {
    int c[3];
    counts_(c);
    return c[which];
  }
};
}  // namespace

TEST_CASE("NVML meter loads the five functions and reads the counter (fake library)", "[energy]") {
  fake_nvml fake;
  fake.set(1000);
  const int inits = fake.count(0), shutdowns = fake.count(1), reads = fake.count(2);
  {
    nvml_meter gpu(0, SUTRO_FAKE_NVML);
    REQUIRE(gpu.available());
    CHECK(fake.count(0) == inits + 1);
    gpu.start();
    fake.set(3500);
    const auto r = gpu.stop();
    REQUIRE(r.available);
    CHECK(r.joules == Approx(2.5));
    REQUIRE(r.zones.size() == 1);
    CHECK(r.zones[0].joules == Approx(2.5));
    CHECK(fake.count(2) == reads + 2);
  }
  CHECK(fake.count(1) == shutdowns + 1);  // every successful init is shut down

  SECTION("no such device") {
    nvml_meter gpu(1, SUTRO_FAKE_NVML);
    CHECK(!gpu.available());
    CHECK(contains(gpu.reason(), "no GPU with index 1: Invalid Argument (code 2)"));
  }
  SECTION("init fails: reason given, no shutdown") {
    fake.set(0, 9);
    const int before = fake.count(1);
    {
      nvml_meter gpu(0, SUTRO_FAKE_NVML);
      CHECK(!gpu.available());
      CHECK(contains(gpu.reason(), "nvmlInit_v2 failed: Driver Not Loaded (code 9)"));
      gpu.start();
      CHECK(!gpu.stop().available);
    }
    CHECK(fake.count(1) == before);
  }
  SECTION("the counter goes down (driver reload) or is past LLONG_MAX") {
    fake.set(1000);
    nvml_meter gpu(0, SUTRO_FAKE_NVML);
    REQUIRE(gpu.available());
    CHECK(gpu.stop().message == "stop() before start(): nothing was measured");
    gpu.start();
    fake.set(400);
    const auto r = gpu.stop();
    CHECK(!r.available);
    CHECK(r.message ==
          "the NVML energy counter went down (1000 to 400 mJ): the driver restarted between start() and stop()");
    fake.set(~0ULL - 5000);  // a 64-bit count above LLONG_MAX is a count, not a failure
    gpu.start();
    fake.set(~0ULL - 1000);
    const auto big = gpu.stop();
    REQUIRE(big.available);
    CHECK(big.joules == Approx(4.0));
  }
  SECTION("the counter cannot be read") {
    fake.set(0, 0, 3);
    nvml_meter gpu(0, SUTRO_FAKE_NVML);
    REQUIRE(gpu.available());
    gpu.start();
    const auto r = gpu.stop();
    CHECK(!r.available);
    CHECK(contains(r.message, "nvmlDeviceGetTotalEnergyConsumption failed: Not Supported (code 3)"));
  }
}

TEST_CASE("NVML meter refuses an empty library name (dlopen would open the program)", "[energy]") {
  CHECK_THROWS_AS(nvml_meter(0, ""), std::invalid_argument);
}

TEST_CASE("NVML meter names a missing function", "[energy]") {
  nvml_meter gpu(0, SUTRO_FAKE_NVML_PARTIAL);
  CHECK(!gpu.available());
  CHECK(contains(gpu.reason(), "lacks nvmlDeviceGetTotalEnergyConsumption"));
  gpu.start();
  CHECK(!gpu.stop().available);
}
#endif
