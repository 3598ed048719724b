#pragma once
// energy::nvml_meter: measured GPU energy from NVML's total energy counter
// (nvmlDeviceGetTotalEnergyConsumption, mJ since driver load, Volta and later).
// NVML is loaded at run time (dlopen of libnvidia-ml.so.1, which ships with the
// NVIDIA driver), so this compiles everywhere without nvml.h or -lnvidia-ml;
// where the library, the driver or the GPU is missing, every result has
// available == false and says why ("libnvidia-ml.so.1 not found ...").
//
//   sutro::energy::nvml_meter gpu(0);     // device index
//   gpu.start();  run_on_gpu();  auto r = gpu.stop();
//   r.available ? r.joules : 0;          // r.message says why not
//
// nvml_meter(device, library) loads another file (a path or a soname): for a
// driver installed in an odd place, and for tests against a fake library.
// The counter is 64-bit in mJ, so it does not wrap in practice.

#include <chrono>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>

#include "sutro/energy/rapl.hpp"

#if __has_include(<dlfcn.h>)
#include <dlfcn.h>
#define SUTRO_HAS_DLOPEN 1
#endif

namespace sutro::energy {

namespace detail {
// The little of NVML's C API used here, declared by hand: functions return
// nvmlReturn_t (an int-sized enum, NVML_SUCCESS = 0) and devices are opaque
// handles.
struct nvml_device_st;
using nvml_device = nvml_device_st*;
struct nvml_api {
  int (*init)() = nullptr;                                          // nvmlInit_v2
  int (*shutdown)() = nullptr;                                      // nvmlShutdown
  int (*handle_by_index)(unsigned, nvml_device*) = nullptr;         // nvmlDeviceGetHandleByIndex_v2
  int (*total_energy)(nvml_device, unsigned long long*) = nullptr;  // nvmlDeviceGetTotalEnergyConsumption
  const char* (*error_string)(int) = nullptr;                       // nvmlErrorString
};
constexpr int nvml_success = 0;
}  // namespace detail

class nvml_meter {
 public:
  static constexpr const char* default_library = "libnvidia-ml.so.1";

  explicit nvml_meter(unsigned device = 0) : nvml_meter(device, default_library) {}
  /// Throws std::invalid_argument for an empty library name (dlopen("")
  /// would open the program itself).
  nvml_meter(unsigned device, const std::string& library) {
    if (library.empty())
      throw std::invalid_argument(
          "sutro::energy::nvml_meter: the library name is empty (default: " + std::string(default_library) + ")");
#if defined(SUTRO_HAS_DLOPEN)
    lib_ = dlopen(library.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!lib_) {
      const char* why = dlerror();
      reason_ = library + " not found (no NVIDIA driver?)" + (why ? std::string(": ") + why : std::string());
      return;
    }
    if (!(load(api_.init, "nvmlInit_v2") && load(api_.shutdown, "nvmlShutdown") &&
          load(api_.handle_by_index, "nvmlDeviceGetHandleByIndex_v2") &&
          load(api_.total_energy, "nvmlDeviceGetTotalEnergyConsumption") &&
          load(api_.error_string, "nvmlErrorString"))) {
      reason_ = library + " lacks " + missing_ + " (driver too old?)";
      return;
    }
    if (const int rc = api_.init(); rc != detail::nvml_success) {
      reason_ = "nvmlInit_v2 failed: " + error(rc);
      return;
    }
    initialized_ = true;
    if (const int rc = api_.handle_by_index(device, &handle_); rc != detail::nvml_success)
      reason_ = "NVML: no GPU with index " + std::to_string(device) + ": " + error(rc);
#else
    (void)device;
    reason_ = "NVML not available: " + library + " cannot be loaded at run time on this platform (no dlopen)";
#endif
  }
  nvml_meter(const nvml_meter&) = delete;
  nvml_meter& operator=(const nvml_meter&) = delete;
  ~nvml_meter() {
#if defined(SUTRO_HAS_DLOPEN)
    if (initialized_) api_.shutdown();
    if (lib_) dlclose(lib_);
#endif
  }

  [[nodiscard]] bool available() const noexcept { return reason_.empty(); }
  [[nodiscard]] const std::string& reason() const noexcept { return reason_; }

  void start() {
    t0_ = std::chrono::steady_clock::now();
    started_ = true;
    start_mj_ = read(start_rc_);
  }
  [[nodiscard]] energy_result stop() const {
    energy_result r;
    r.source = "NVML";
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0_).count();
    if (!available()) {
      r.message = reason_;
      return r;
    }
    if (!started_) {
      r.message = "stop() before start(): nothing was measured";
      return r;
    }
    int rc = detail::nvml_success;
    const auto end = read(rc);
    if (!start_mj_ || !end) {
      r.message = "nvmlDeviceGetTotalEnergyConsumption failed: " + error(!start_mj_ ? start_rc_ : rc) +
                  " (GPU older than Volta?)";
      return r;
    }
    if (*end < *start_mj_) {  // the counter restarts at 0 when the driver reloads
      r.message = "the NVML energy counter went down (" + std::to_string(*start_mj_) + " to " + std::to_string(*end) +
                  " mJ): the driver restarted between start() and stop()";
      return r;
    }
    r.available = true;
    r.joules = double(*end - *start_mj_) * 1e-3;
    r.zones.push_back({"gpu", "nvml total energy", true, r.joules, false, true});
    return r;
  }

 private:
  // mJ, or none (and rc) when unavailable or the read fails.
  [[nodiscard]] std::optional<unsigned long long> read(int& rc) const {
    if (!available()) return std::nullopt;
    unsigned long long mj = 0;
    rc = api_.total_energy(handle_, &mj);
    if (rc != detail::nvml_success) return std::nullopt;
    return mj;
  }
  [[nodiscard]] std::string error(int rc) const {
    const char* s = api_.error_string ? api_.error_string(rc) : nullptr;
    return (s ? std::string(s) : std::string("error")) + " (code " + std::to_string(rc) + ")";
  }
#if defined(SUTRO_HAS_DLOPEN)
  template <class F>
  bool load(F& fn, const char* name) {
    void* sym = dlsym(lib_, name);
    if (!sym) {
      missing_ = name;
      return false;
    }
    static_assert(sizeof fn == sizeof sym);
    std::memcpy(&fn, &sym, sizeof fn);  // object to function pointer, as POSIX allows
    return true;
  }
  void* lib_ = nullptr;
  std::string missing_;
#endif
  std::string reason_;
  detail::nvml_api api_;
  bool initialized_ = false;
  detail::nvml_device handle_ = nullptr;
  bool started_ = false;
  std::optional<unsigned long long> start_mj_;
  int start_rc_ = detail::nvml_success;
  std::chrono::steady_clock::time_point t0_ = std::chrono::steady_clock::now();
};

}  // namespace sutro::energy
