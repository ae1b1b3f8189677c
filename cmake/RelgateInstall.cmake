# `cmake --install`: the binary, the embeddable library (librelgate.a, <relgate/relgate.h>,
# a CMake package and a pkg-config file) and the documentation. examples/embed is built
# against an installed copy by the test `embed-installed`.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

install(TARGETS relgate RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS relgate_library ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(FILES ${PROJECT_SOURCE_DIR}/include/relgate/relgate.h
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/relgate)

# The package config finds the prefix from its own place, so the tree can be moved
# (`cmake --install --prefix` included).
file(RELATIVE_PATH RELGATE_CONFIG_TO_PREFIX "/prefix/${CMAKE_INSTALL_LIBDIR}/cmake/relgate"
     "/prefix")
configure_file(${PROJECT_SOURCE_DIR}/cmake/relgateConfig.cmake.in
               ${PROJECT_BINARY_DIR}/relgateConfig.cmake @ONLY)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/relgateConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/relgateConfig.cmake
              ${PROJECT_BINARY_DIR}/relgateConfigVersion.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/relgate)
# pkg-config's file names the prefix given at configure time (`--prefix` at install time
# does not rewrite it; pkg-config's --define-prefix does).
configure_file(${PROJECT_SOURCE_DIR}/cmake/relgate.pc.in ${PROJECT_BINARY_DIR}/relgate.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/relgate.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

file(GLOB relgate_docs ${PROJECT_SOURCE_DIR}/docs/*.md)
install(FILES ${PROJECT_SOURCE_DIR}/README.md ${relgate_docs}
        DESTINATION ${CMAKE_INSTALL_DOCDIR})

# Man pages, made from the commands' --help by help2man (cmake/ManPages.cmake) after each
# build of the binary, dated by the commit's time so that two builds of one commit agree.
find_program(HELP2MAN help2man)
if(HELP2MAN)
  set(relgate_man_dir ${PROJECT_BINARY_DIR}/man)
  set(source_date_epoch "$ENV{SOURCE_DATE_EPOCH}")
  if(source_date_epoch STREQUAL "" AND EXISTS ${PROJECT_SOURCE_DIR}/.git)
    execute_process(COMMAND git -C ${PROJECT_SOURCE_DIR} log -1 --format=%ct
                    OUTPUT_VARIABLE source_date_epoch OUTPUT_STRIP_TRAILING_WHITESPACE
                    ERROR_QUIET)
  endif()
  if(source_date_epoch STREQUAL "")
    set(source_date_epoch 0)
  endif()
  add_custom_command(
    OUTPUT ${relgate_man_dir}/relgate.1
    COMMAND ${CMAKE_COMMAND} -E env SOURCE_DATE_EPOCH=${source_date_epoch}
            ${CMAKE_COMMAND} -DRELGATE=$<TARGET_FILE:relgate> -DHELP2MAN=${HELP2MAN}
            -DVERSION=${PROJECT_VERSION} -DOUT_DIR=${relgate_man_dir}
            -P ${PROJECT_SOURCE_DIR}/cmake/ManPages.cmake
    DEPENDS relgate ${PROJECT_SOURCE_DIR}/cmake/ManPages.cmake
    COMMENT "Writing the man pages from the commands' --help"
    VERBATIM)
  add_custom_target(relgate_man ALL DEPENDS ${relgate_man_dir}/relgate.1)
  install(DIRECTORY ${relgate_man_dir}/ DESTINATION ${CMAKE_INSTALL_MANDIR}/man1
          FILES_MATCHING PATTERN "*.1")
else()
  message(STATUS "help2man not found: no man pages (scripts/install-deps.sh installs it)")
endif()
