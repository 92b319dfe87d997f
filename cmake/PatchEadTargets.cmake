# Helpers shared by every component so that each CMakeLists.txt stays a list
# of sources and dependencies.

set(PATCHEAD_WARNINGS -Wall -Wextra -Wpedantic -Wno-unused-parameter)

# patchead_add_library(NAME SOURCES ... [LIBS ...]) adds a static component
# library whose headers are included as "component/Header.h" from core/.
function(patchead_add_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR}/core ${PROJECT_SOURCE_DIR})
  target_compile_options(${name} PRIVATE ${PATCHEAD_WARNINGS})
  set_target_properties(${name} PROPERTIES POSITION_INDEPENDENT_CODE ON)
  target_link_libraries(${name} PUBLIC ${ARG_LIBS})
endfunction()

# patchead_add_test(NAME SOURCES ... [LIBS ...] [LABELS ...]) adds one Qt Test
# executable and registers it with CTest. Tests find generated fixtures
# through PATCHEAD_SOURCE_DIR and PATCHEAD_BINARY_DIR, and the shared data
# sets through PATCHEAD_SHARED_DATA_DIR (absent data means a skipped test).
function(patchead_add_test name)
  cmake_parse_arguments(ARG "" "TIMEOUT" "SOURCES;LIBS;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE Qt6::Test ${ARG_LIBS})
  target_compile_options(${name} PRIVATE ${PATCHEAD_WARNINGS})
  target_compile_definitions(${name} PRIVATE
    PATCHEAD_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    PATCHEAD_BINARY_DIR="${PROJECT_BINARY_DIR}"
    PATCHEAD_SHARED_DATA_DIR="${PROJECT_SOURCE_DIR}/../shared/data")
  add_test(NAME ${name} COMMAND ${name})
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 600)
  endif()
  set_tests_properties(${name} PROPERTIES TIMEOUT ${ARG_TIMEOUT}
    ENVIRONMENT "QT_QPA_PLATFORM=offscreen;PATCHEAD_MODEL_DIR=${PATCHEAD_MODEL_DIR};QTEST_FUNCTION_TIMEOUT=1800000")
  if(ARG_LABELS)
    set_tests_properties(${name} PROPERTIES LABELS "${ARG_LABELS}")
  endif()
endfunction()
