"""Conan 2 recipe for sutro (header-only).

    conan create packaging/conan --build=missing -o "&:simd=True"

xsimd is a regular requirement; on a machine with Debian's libxsimd-dev, a
profile's [platform_requires] section (xsimd/8.1.0) makes Conan use the system
copy instead of downloading it.
"""
import os

from conan import ConanFile
from conan.tools.build import check_min_cppstd
from conan.tools.cmake import CMake, CMakeToolchain, cmake_layout
from conan.tools.files import copy


class SutroConan(ConanFile):
    name = "sutro"
    version = "0.1.0"
    license = "Unlicense"
    description = ("Header-only C++20 building blocks for energy-efficient learning research: "
                   "GF(2) algebra, sparse parity tasks and solvers, tiny neural nets, "
                   "data-movement metrics.")
    topics = ("gf2", "sparse-parity", "energy", "data-movement", "header-only")
    package_type = "header-library"
    settings = "os", "arch", "compiler", "build_type"
    options = {"simd": [True, False], "cuda": [True, False]}
    default_options = {"simd": True, "cuda": False}
    no_copy_source = True

    def export_sources(self):
        root = os.path.join(self.recipe_folder, "..", "..")
        for pattern in ("CMakeLists.txt", "LICENSE", "cmake/*", "include/*"):
            copy(self, pattern, root, self.export_sources_folder)

    def layout(self):
        cmake_layout(self)

    def validate(self):
        check_min_cppstd(self, 20)

    def requirements(self):
        if self.options.simd:
            self.requires("xsimd/[>=8.1.0 <15]")

    def generate(self):
        toolchain = CMakeToolchain(self)
        toolchain.cache_variables.update({
            "SUTRO_ENABLE_SIMD": bool(self.options.simd),
            "SUTRO_ENABLE_CUDA": bool(self.options.cuda),
            "SUTRO_INSTALL": True,
            "SUTRO_BUILD_TESTS": False,
            "SUTRO_BUILD_EXAMPLES": False,
            "SUTRO_BUILD_BENCHMARKS": False,
        })
        toolchain.generate()

    def package(self):
        cmake = CMake(self)
        cmake.configure()
        cmake.install()

    def package_id(self):
        self.info.clear()  # the same headers for every setting and option

    def package_info(self):
        self.cpp_info.bindirs = []
        self.cpp_info.libdirs = []
        # Consumers use sutro's own sutroConfig.cmake (components simd, cuda),
        # found through the package folder on CMAKE_PREFIX_PATH.
        self.cpp_info.set_property("cmake_find_mode", "none")
        self.cpp_info.builddirs = [os.path.join("share", "cmake", "sutro")]
