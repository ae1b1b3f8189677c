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
