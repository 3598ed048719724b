#pragma once

#define SUTRO_VERSION_MAJOR 0
#define SUTRO_VERSION_MINOR 1
#define SUTRO_VERSION_PATCH 0

namespace sutro {
inline constexpr int version_major = SUTRO_VERSION_MAJOR;
inline constexpr int version_minor = SUTRO_VERSION_MINOR;
inline constexpr int version_patch = SUTRO_VERSION_PATCH;
}  // namespace sutro
