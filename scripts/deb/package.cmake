# The Debian package (included by CMakeLists.txt when EDUGATE_PACKAGE is on; scripts/package
# drives it). CPack's DEB generator rather than a debian/ directory: the product's top level
# stays as it is, and the package is built from the same CMake install rules as
# `cmake --install`. What debhelper would add by itself is written out here instead: the
# maintainer scripts (scripts/deb/post*, prerm), the conffiles list, the changelog and copyright.

if(NOT CMAKE_INSTALL_PREFIX STREQUAL "/usr")
  message(FATAL_ERROR "EDUGATE_PACKAGE needs -DCMAKE_INSTALL_PREFIX=/usr")
endif()
find_program(EDUGATE_HELP2MAN help2man REQUIRED)
find_program(EDUGATE_DPKG_SHLIBDEPS dpkg-shlibdeps REQUIRED)

set(EDUGATE_PACKAGE_VERSION "" CACHE STRING "Debian package version (empty: the project's)")
if(EDUGATE_PACKAGE_VERSION STREQUAL "")
  set(EDUGATE_PACKAGE_VERSION ${PROJECT_VERSION})
endif()
set(EDUGATE_MAINTAINER "edugate maintainers <edugate@edugate.example>")
set(deb_dir ${CMAKE_BINARY_DIR}/deb)

# edugate(8) from the CLI's own help.
add_custom_command(
  OUTPUT ${deb_dir}/edugate.8.gz
  COMMAND ${CMAKE_SOURCE_DIR}/scripts/deb/manpage $<TARGET_FILE:edugate> ${deb_dir}/edugate.8.gz
  DEPENDS edugate ${CMAKE_SOURCE_DIR}/scripts/deb/manpage ${CMAKE_SOURCE_DIR}/scripts/deb/edugate.h2m
  COMMENT "edugate(8) from edugate --help")
add_custom_target(edugate_manpage ALL DEPENDS ${deb_dir}/edugate.8.gz)
install(FILES ${deb_dir}/edugate.8.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man8)

# changelog.gz (a native package's) and copyright, as Debian policy places them.
string(TIMESTAMP EDUGATE_PACKAGE_DATE "%a, %d %b %Y %H:%M:%S +0000" UTC)
configure_file(${CMAKE_SOURCE_DIR}/scripts/deb/changelog.in ${deb_dir}/changelog @ONLY)
add_custom_command(
  OUTPUT ${deb_dir}/changelog.gz
  COMMAND gzip -9nc ${deb_dir}/changelog > ${deb_dir}/changelog.gz
  DEPENDS ${deb_dir}/changelog)
add_custom_target(edugate_changelog ALL DEPENDS ${deb_dir}/changelog.gz)
install(FILES ${deb_dir}/changelog.gz scripts/deb/copyright DESTINATION ${CMAKE_INSTALL_DOCDIR})

# Every file under /etc/edugate is a conffile: an upgrade keeps what the admin edited.
file(GLOB_RECURSE etc_files RELATIVE ${CMAKE_SOURCE_DIR}/etc CONFIGURE_DEPENDS
     ${CMAKE_SOURCE_DIR}/etc/*)
list(SORT etc_files)
list(TRANSFORM etc_files PREPEND "${EDUGATE_SYSCONFDIR}/")
list(JOIN etc_files "\n" conffiles)
file(WRITE ${deb_dir}/conffiles "${conffiles}\n")
foreach(script postinst prerm postrm)
  file(COPY ${CMAKE_SOURCE_DIR}/scripts/deb/${script} DESTINATION ${deb_dir}
       FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE
                        WORLD_READ WORLD_EXECUTE)
endforeach()

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME edugate)
set(CPACK_PACKAGE_VERSION ${EDUGATE_PACKAGE_VERSION})
set(CPACK_PACKAGE_CONTACT "${EDUGATE_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "content-filtering forward proxy for school networks")
# CPack puts the summary first and indents every line of this long description.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "edugate is installed on a school's gateway; pupils' devices browse through it.
It enforces the Department of Education's mandated rule bundle plus the
school's own rules (YAML), shows bilingual block and warn pages, can inspect
HTTPS for groups that need it, and keeps only aggregate counts, so the school
and the department can report without anything that identifies a pupil.")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # edugate_<version>_amd64.deb
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Library dependencies from dpkg-shlibdeps; systemd for the unit, sysusers and tmpfiles; tzdata
# for the schedules' time zone; ca-certificates for TLS verified upstream (inspection, fetch);
# init-system-helpers for deb-systemd-helper in the maintainer scripts.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS
    "systemd, init-system-helpers (>= 1.54~), passwd, tzdata, ca-certificates")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${deb_dir}/conffiles ${deb_dir}/postinst
                                       ${deb_dir}/prerm ${deb_dir}/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)
set(CPACK_STRIP_FILES TRUE)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_COMPRESSION_TYPE xz)
include(CPack)
