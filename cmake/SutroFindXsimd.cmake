# sutro_find_xsimd(): finds xsimd and repairs Debian's xsimd 8.1 package, whose
# exported target links to a plain `xtl` that its config file never looks for
# (linking then fails with -lxtl). We look for xtl ourselves, and when it is
# absent we drop the dangling name from xsimd's link interface: xsimd only
# needs xtl for its optional xtl::xcomplex support, which sutro does not use.
macro(sutro_find_xsimd)
  find_package(xsimd CONFIG QUIET)
  if(TARGET xsimd)
    get_target_property(_sutro_xsimd_links xsimd INTERFACE_LINK_LIBRARIES)
    if(_sutro_xsimd_links AND "xtl" IN_LIST _sutro_xsimd_links AND NOT TARGET xtl)
      find_package(xtl CONFIG QUIET)
      if(NOT TARGET xtl)
        list(REMOVE_ITEM _sutro_xsimd_links xtl)
        set_property(TARGET xsimd PROPERTY INTERFACE_LINK_LIBRARIES "${_sutro_xsimd_links}")
      endif()
    endif()
    unset(_sutro_xsimd_links)
  endif()
endmacro()
