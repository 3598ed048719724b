#pragma once
// energy::nvml_meter: measured GPU energy from NVML's total energy counter
// (nvmlDeviceGetTotalEnergyConsumption, mJ since driver load, Volta and later).
// Compiled in only with SUTRO_HAS_NVML defined (and -lnvidia-ml); otherwise
// every result has available == false and says why.
//
//   sutro::energy::nvml_meter gpu(0);     // device index
//   gpu.start();  run_on_gpu();  auto r = gpu.stop();
//   r.available ? r.joules : 0;          // r.message says why not

#include <chrono>
#include <string>

#include "sutro/energy/rapl.hpp"

#if defined(SUTRO_HAS_NVML)
#include <nvml.h>
#endif

namespace sutro::energy {

class nvml_meter {
 public:
  explicit nvml_meter(unsigned device = 0) {
#if defined(SUTRO_HAS_NVML)
    if (nvmlInit_v2() != NVML_SUCCESS) {
      reason_ = "nvmlInit failed (no NVIDIA driver?)";
      return;
    }
    initialized_ = true;
    if (nvmlDeviceGetHandleByIndex_v2(device, &handle_) != NVML_SUCCESS)
      reason_ = "NVML: no GPU with index " + std::to_string(device);
#else
    (void)device;
    reason_ = "NVML not available (sutro built without SUTRO_HAS_NVML)";
#endif
  }
  nvml_meter(const nvml_meter&) = delete;
  nvml_meter& operator=(const nvml_meter&) = delete;
  ~nvml_meter() {
#if defined(SUTRO_HAS_NVML)
    if (initialized_) nvmlShutdown();
#endif
  }

  [[nodiscard]] bool available() const noexcept { return reason_.empty(); }
  [[nodiscard]] const std::string& reason() const noexcept { return reason_; }

  void start() {
    t0_ = std::chrono::steady_clock::now();
    start_mj_ = read();
  }
  [[nodiscard]] energy_result stop() const {
    energy_result r;
    r.source = "NVML";
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0_).count();
    if (!available()) {
      r.message = reason_;
      return r;
    }
    const long long end = read();
    if (start_mj_ < 0 || end < 0) {
      r.message = "nvmlDeviceGetTotalEnergyConsumption failed (unsupported GPU?)";
      return r;
    }
    r.available = true;
    r.joules = double(end - start_mj_) * 1e-3;
    r.zones.push_back({"gpu", "nvml total energy", true, r.joules, false});
    return r;
  }

 private:
  [[nodiscard]] long long read() const {
#if defined(SUTRO_HAS_NVML)
    unsigned long long mj = 0;
    if (!available() || nvmlDeviceGetTotalEnergyConsumption(handle_, &mj) != NVML_SUCCESS) return -1;
    return static_cast<long long>(mj);
#else
    return -1;
#endif
  }
  std::string reason_;
#if defined(SUTRO_HAS_NVML)
  bool initialized_ = false;
  nvmlDevice_t handle_{};
#endif
  long long start_mj_ = -1;
  std::chrono::steady_clock::time_point t0_ = std::chrono::steady_clock::now();
};

}  // namespace sutro::energy
