#pragma once
// Every CUDA runtime call goes through SUTRO_CUDA_CHECK: a failure becomes a
// sutro::cuda_error naming the call, the file and line, and CUDA's own message.

#if !defined(__CUDACC__)
#error "sutro/backend/cuda/error.cuh is CUDA code: include it only when compiling with nvcc"
#endif

#include <cuda_runtime.h>

#include <stdexcept>
#include <string>

namespace sutro {

class cuda_error : public std::runtime_error {
 public:
  cuda_error(cudaError_t code, const char* call, const char* file, int line)
      : std::runtime_error(std::string(call) + " failed at " + file + ":" + std::to_string(line) + ": " +
                           cudaGetErrorName(code) + ": " + cudaGetErrorString(code)),
        code_(code) {}
  [[nodiscard]] cudaError_t code() const noexcept { return code_; }

 private:
  cudaError_t code_;
};

namespace detail {
inline void cuda_check(cudaError_t code, const char* call, const char* file, int line) {
  if (code == cudaSuccess) return;
  // A non-sticky failure (say cudaErrorMemoryAllocation) also stays the
  // runtime's "last error"; clear it so the next launch check does not report
  // this failure a second time. Sticky errors (a faulted context) persist anyway.
  (void)cudaGetLastError();
  throw cuda_error(code, call, file, line);
}
}  // namespace detail

/// Number of CUDA devices visible to this process; 0 (not an exception) when
/// there is no driver or no device, so tests can skip cleanly.
inline int cuda_device_count() noexcept {
  int count = 0;
  if (cudaGetDeviceCount(&count) != cudaSuccess) {
    (void)cudaGetLastError();  // clear the sticky "no device" error
    return 0;
  }
  return count;
}

}  // namespace sutro

#define SUTRO_CUDA_CHECK(call) ::sutro::detail::cuda_check((call), #call, __FILE__, __LINE__)
