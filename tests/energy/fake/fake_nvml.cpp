// A stand-in for libnvidia-ml.so.1 with the five functions nvml_meter loads,
// and a control surface (fake_nvml_*) the test reaches through dlsym. Built
// twice: complete, and with FAKE_NVML_PARTIAL lacking the energy function.
#include <cstdint>

namespace {
struct device_st {};
device_st the_gpu;
unsigned long long energy_mj = 0;
int init_rc = 0, energy_rc = 0, inits = 0, shutdowns = 0, energy_reads = 0;
}  // namespace

extern "C" {
__attribute__((visibility("default"))) int nvmlInit_v2() {
  ++inits;
  return init_rc;
}
__attribute__((visibility("default"))) int nvmlShutdown() {
  ++shutdowns;
  return 0;
}
__attribute__((visibility("default"))) int nvmlDeviceGetHandleByIndex_v2(unsigned index, device_st** out) {
  if (index != 0) return 2;  // NVML_ERROR_INVALID_ARGUMENT
  *out = &the_gpu;
  return 0;
}
#if !defined(FAKE_NVML_PARTIAL)
__attribute__((visibility("default"))) int nvmlDeviceGetTotalEnergyConsumption(device_st* d, unsigned long long* mj) {
  ++energy_reads;
  if (d != &the_gpu) return 2;
  if (energy_rc != 0) return energy_rc;
  *mj = energy_mj;
  return 0;
}
#endif
__attribute__((visibility("default"))) const char* nvmlErrorString(int rc) {
  switch (rc) {
    case 0:
      return "Success";
    case 2:
      return "Invalid Argument";
    case 3:
      return "Not Supported";
    case 9:
      return "Driver Not Loaded";
    default:
      return "Unknown Error";
  }
}

__attribute__((visibility("default"))) void fake_nvml_set(unsigned long long mj, int init_code, int energy_code) {
  energy_mj = mj;
  init_rc = init_code;
  energy_rc = energy_code;
}
__attribute__((visibility("default"))) void fake_nvml_counts(int* out) {  // inits, shutdowns, energy reads
  out[0] = inits;
  out[1] = shutdowns;
  out[2] = energy_reads;
}
}
