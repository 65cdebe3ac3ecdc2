# img2cad_module(NAME SOURCES ... [DEPS ...] [PRIVATE_DEPS ...] [TESTS ...] [TEST_DEPS ...]
#                [TEST_ENVIRONMENT VAR=value ...])
#
# Defines the static library img2cad_<NAME> from src/<NAME>/ (one uniform shape for every module,
# as libigl and draco do) and, when tests are enabled, one GoogleTest executable
# img2cad_<NAME>_test from the colocated *_test.cc files. Public include root is src/, so code
# includes "core/status.h", "program/program.h", ...
function(img2cad_module NAME)
  cmake_parse_arguments(M "" "" "SOURCES;DEPS;PRIVATE_DEPS;TESTS;TEST_DEPS;TEST_LABELS;TEST_ENVIRONMENT" ${ARGN})
  set(target img2cad_${NAME})
  add_library(${target} STATIC ${M_SOURCES})
  target_include_directories(${target} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(${target} PUBLIC ${M_DEPS} PRIVATE ${M_PRIVATE_DEPS})
  target_compile_options(${target} PRIVATE -Wall -Wextra)
  if(IMG2CAD_BUILD_TESTS AND M_TESTS)
    add_executable(${target}_test ${M_TESTS})
    target_link_libraries(${target}_test PRIVATE ${target} ${M_PRIVATE_DEPS} ${M_TEST_DEPS}
                          GTest::gtest GTest::gtest_main)
    target_compile_definitions(${target}_test PRIVATE
      IMG2CAD_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
    set(env_property "")
    if(M_TEST_ENVIRONMENT)
      set(env_property ENVIRONMENT "${M_TEST_ENVIRONMENT}")
    endif()
    gtest_discover_tests(${target}_test
      WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
      PROPERTIES LABELS "${NAME}" ${env_property}
      DISCOVERY_TIMEOUT 60)
  endif()
endfunction()
