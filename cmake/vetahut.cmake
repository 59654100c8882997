# vetahut_library(<name> SOURCES ... DEPS ...) — a library target vetahut_<name>, includes from src/.
function(vetahut_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(vetahut_${name} STATIC ${ARG_SOURCES})
  target_include_directories(vetahut_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(vetahut_${name} PUBLIC ${ARG_DEPS} PRIVATE ${ARG_PRIVATE_DEPS})
endfunction()

# vetahut_test(<name> SOURCES ... DEPS ... [LABELS ...]) — a GoogleTest binary registered with CTest.
function(vetahut_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gtest_main GTest::gmock)
  add_test(NAME ${name} COMMAND ${name} --gtest_brief=1)
  if(ARG_LABELS)
    set_tests_properties(${name} PROPERTIES LABELS "${ARG_LABELS}")
  else()
    set_tests_properties(${name} PROPERTIES LABELS "unit")
  endif()
endfunction()

# vetahut_engine_test(<target>) — registers an existing test binary twice: <target>_sqlite on a
# fresh SQLite file and <target>_postgres on VETAHUT_TEST_PG_URL (set by scripts/with-postgres.sh;
# unset, the tests fail rather than skip). PostgreSQL suites share one server: a resource lock.
function(vetahut_engine_test target)
  add_test(NAME ${target}_sqlite COMMAND ${target} --gtest_brief=1)
  set_tests_properties(${target}_sqlite PROPERTIES LABELS "db"
    ENVIRONMENT "VETAHUT_TEST_DB_URL=sqlite:${CMAKE_BINARY_DIR}/test-data/${target}.db")
  add_test(NAME ${target}_postgres
    COMMAND sh -c "VETAHUT_TEST_DB_URL=\"$VETAHUT_TEST_PG_URL\" exec \"$0\" --gtest_brief=1" $<TARGET_FILE:${target}>)
  set_tests_properties(${target}_postgres PROPERTIES LABELS "db;postgres" RESOURCE_LOCK postgres)
endfunction()

# vetahut_serve_test(<target> [CHAIN|CHAIN_ONLY] SOURCES … DEPS …) — an end-to-end test that runs
# the real `vetahut` binary, registered for SQLite and for PostgreSQL, and with CHAIN also through
# the chain (VETAHUT_TEST_ENGINE tells the harness which).
function(vetahut_serve_test target)
  cmake_parse_arguments(ARG "CHAIN;CHAIN_ONLY" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${target} ${ARG_SOURCES})
  target_link_libraries(${target} PRIVATE ${ARG_DEPS} vetahut_http vetahut_db Boost::json fmt::fmt GTest::gtest GTest::gtest_main)
  target_compile_definitions(${target} PRIVATE VETAHUT_BINARY="$<TARGET_FILE:vetahut>" VETAHUT_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
  add_dependencies(${target} vetahut)
  if(ARG_CHAIN_ONLY)
    set(ARG_CHAIN ON)
  else()
    add_test(NAME ${target}_sqlite COMMAND ${target} --gtest_brief=1)
    set_tests_properties(${target}_sqlite PROPERTIES LABELS "e2e" ENVIRONMENT "VETAHUT_TEST_ENGINE=sqlite")
    add_test(NAME ${target}_postgres COMMAND ${target} --gtest_brief=1)
    set_tests_properties(${target}_postgres PROPERTIES LABELS "e2e;postgres" ENVIRONMENT "VETAHUT_TEST_ENGINE=postgres"
      RESOURCE_LOCK postgres)
  endif()
  # CHAIN: the same tests through the chain's front door (scripts/chain.sh starts one chain per
  # test: its own database and RabbitMQ vhost); CHAIN_ONLY: only there (the fault tests).
  if(ARG_CHAIN)
    add_test(NAME ${target}_chain COMMAND ${target} --gtest_brief=1)
    set_tests_properties(${target}_chain PROPERTIES LABELS "e2e;chain;postgres;rabbitmq"
      ENVIRONMENT "VETAHUT_TEST_ENGINE=chain" RESOURCE_LOCK "chain;rabbitmq;redis")
  endif()
endfunction()
