# Sanitizer and fuzzer builds of the project's own code. The flags go to every
# target defined after this file is included; the prebuilt Debian libraries
# (Qt, OpenCV, LibTorch, SQLite, OpenBLAS) stay uninstrumented, so a fault
# inside them is caught only where it touches memory the project allocated.

set(PATCHEAD_SANITIZE "" CACHE STRING
  "Sanitizers for the project's own targets, as for -fsanitize (for example address,undefined); empty for none")
option(PATCHEAD_BUILD_FUZZERS
  "Build the libFuzzer targets of tests/fuzz (clang only; instruments everything with address and undefined)" OFF)

if(PATCHEAD_SANITIZE)
  # -fno-sanitize-recover makes an undefined-behaviour finding end the test
  # like an address finding does, instead of printing and going on.
  add_compile_options(-fsanitize=${PATCHEAD_SANITIZE} -fno-sanitize-recover=all -fno-omit-frame-pointer)
  add_link_options(-fsanitize=${PATCHEAD_SANITIZE})
  message(STATUS "Sanitizers for project targets: ${PATCHEAD_SANITIZE}")
endif()

if(PATCHEAD_BUILD_FUZZERS)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "PATCHEAD_BUILD_FUZZERS needs clang with libFuzzer (Debian: clang-14 and "
      "libclang-rt-14-dev); configure with -DCMAKE_CXX_COMPILER=clang++-14")
  endif()
  if(PATCHEAD_SANITIZE)
    message(FATAL_ERROR "PATCHEAD_BUILD_FUZZERS already builds with address and undefined; leave PATCHEAD_SANITIZE empty")
  endif()
  # Coverage instrumentation for libFuzzer everywhere; the fuzz executables
  # add -fsanitize=fuzzer at link time for libFuzzer's main.
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined
    -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()
