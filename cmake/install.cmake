# Installation layout and the Debian package (issue 9, "Install and run").
#
#   cmake --install BUILD [--prefix /usr]      # files in the usual places
#   cpack -G DEB --config BUILD/CPackConfig.cmake  (or: cd BUILD && cpack -G DEB)
#
# Layout under PREFIX (the .deb uses /usr):
#   sbin/heduid                 the server
#   bin/hedui                   the staff CLI
#   lib/systemd/system/heduid.service, lib/sysusers.d/hedui.conf, lib/tmpfiles.d/hedui.conf
#   share/hedui/dev-ca.sh       development CA (not for production)
#   share/doc/hedui/            README-certificates.md, the policy README, the example
#                               configuration, copyright, changelog.gz
#   share/man/man{1,5,8}/       hedui(1), heduid.conf(5), heduid(8) (cmake/manpages.cmake)
#   ETC/hedui/heduid.conf       the configuration (from deploy/heduid.example.conf)
#   ETC/hedui/policy/example.textproto
# where ETC is /etc when PREFIX is /usr or / (the .deb, a system install) and
# PREFIX/etc otherwise: GNUInstallDirs' rule for CMAKE_INSTALL_FULL_SYSCONFDIR,
# but applied at install time, because the .deb is made from a tree configured
# with the default prefix /usr/local and `cmake --install --prefix` may change
# the prefix after configuration.
include(GNUInstallDirs)

# heduid goes to sbin: it is a system daemon started by systemd as its own
# user, not a command for ordinary users (FHS; Debian puts daemons such as
# sshd and chronyd in /usr/sbin). hedui is the staff's CLI: bin.
install(TARGETS heduid RUNTIME DESTINATION ${CMAKE_INSTALL_SBINDIR})
install(TARGETS hedui RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

# systemd's own search paths include PREFIX/lib/systemd/system and
# PREFIX/lib/sysusers.d for both /usr and /usr/local, so these stay under the
# prefix (not CMAKE_INSTALL_LIBDIR, which is lib/x86_64-linux-gnu on Debian).
install(FILES ${PROJECT_SOURCE_DIR}/deploy/systemd/hedui.sysusers.conf
  DESTINATION lib/sysusers.d RENAME hedui.conf)

install(PROGRAMS ${PROJECT_SOURCE_DIR}/deploy/dev-ca.sh
  DESTINATION ${CMAKE_INSTALL_DATADIR}/hedui)
install(FILES ${PROJECT_SOURCE_DIR}/deploy/README-certificates.md
  DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(FILES ${PROJECT_SOURCE_DIR}/deploy/policy/README.md
  DESTINATION ${CMAKE_INSTALL_DOCDIR}/policy)

# The example configuration is written by the configuration-file work; until
# it exists the package cannot be complete, and the packaging test fails.
set(HEDUI_EXAMPLE_CONF ${PROJECT_SOURCE_DIR}/deploy/heduid.example.conf CACHE FILEPATH
  "The configuration installed as ETC/hedui/heduid.conf")
if(NOT EXISTS ${HEDUI_EXAMPLE_CONF})
  message(WARNING "${HEDUI_EXAMPLE_CONF} is missing: the install and the .deb lack "
    "heduid.conf (pass -DHEDUI_EXAMPLE_CONF=... to use another file)")
endif()

# The files whose paths name /usr/sbin or /etc/hedui, and those that go to ETC,
# are installed by this script at install time (see the top of this file).
# Paths inside the unit and the configuration are rewritten for a prefix other
# than /usr, so that `cmake --install --prefix /usr/local` gives a unit that
# starts /usr/local/sbin/heduid with /usr/local/etc/hedui/heduid.conf.
# A configuration already installed is the operator's and is never overwritten
# (dpkg protects it in the .deb as a conffile); the example stays in the docs.
install(CODE "
  set(HEDUI_SOURCE_DIR \"${PROJECT_SOURCE_DIR}\")
  set(HEDUI_EXAMPLE_CONF \"${HEDUI_EXAMPLE_CONF}\")
  set(HEDUI_SBINDIR \"${CMAKE_INSTALL_SBINDIR}\")
  set(HEDUI_DOCDIR \"${CMAKE_INSTALL_DOCDIR}\")
  set(HEDUI_STAGING_ROOT \"${PROJECT_BINARY_DIR}/install-staging\")
")
install(CODE [[
  if(CMAKE_INSTALL_PREFIX MATCHES "^/(usr/?)?$")
    set(etc "/etc")
  else()
    set(etc "${CMAKE_INSTALL_PREFIX}/etc")
  endif()
  string(REGEX REPLACE "/$" "" prefix "${CMAKE_INSTALL_PREFIX}")  # "/" -> ""
  set(sbin "${prefix}/${HEDUI_SBINDIR}")
  # One staging directory per destination: cpack and cmake --install may run at once.
  string(MD5 key "$ENV{DESTDIR}${CMAKE_INSTALL_PREFIX}")
  set(HEDUI_STAGING "${HEDUI_STAGING_ROOT}/${key}")
  # Rewrites the installed paths in a text file: the sources name the .deb's.
  function(hedui_localize in out)
    file(READ "${in}" text)
    string(REPLACE "/usr/sbin/heduid" "${sbin}/heduid" text "${text}")
    string(REPLACE "/etc/hedui" "${etc}/hedui" text "${text}")
    string(REPLACE "/usr/share/doc/hedui" "${prefix}/${HEDUI_DOCDIR}" text "${text}")
    get_filename_component(dir "${out}" DIRECTORY)
    file(MAKE_DIRECTORY "${dir}")
    file(WRITE "${out}" "${text}")
  endfunction()

  hedui_localize("${HEDUI_SOURCE_DIR}/deploy/systemd/heduid.service"
                 "${HEDUI_STAGING}/heduid.service")
  file(INSTALL DESTINATION "${CMAKE_INSTALL_PREFIX}/lib/systemd/system" TYPE FILE
       FILES "${HEDUI_STAGING}/heduid.service")

  hedui_localize("${HEDUI_SOURCE_DIR}/deploy/systemd/hedui.tmpfiles.conf"
                 "${HEDUI_STAGING}/tmpfiles/hedui.conf")
  file(INSTALL DESTINATION "${CMAKE_INSTALL_PREFIX}/lib/tmpfiles.d" TYPE FILE
       FILES "${HEDUI_STAGING}/tmpfiles/hedui.conf")

  file(INSTALL DESTINATION "${etc}/hedui/policy" TYPE FILE
       FILES "${HEDUI_SOURCE_DIR}/deploy/policy/example.textproto")

  if(EXISTS "${HEDUI_EXAMPLE_CONF}")
    hedui_localize("${HEDUI_EXAMPLE_CONF}" "${HEDUI_STAGING}/heduid.conf")
    # The example, for reference, also when the live one is kept.
    file(INSTALL DESTINATION "${CMAKE_INSTALL_PREFIX}/${HEDUI_DOCDIR}" TYPE FILE
         RENAME heduid.example.conf FILES "${HEDUI_STAGING}/heduid.conf")
    if(EXISTS "$ENV{DESTDIR}${etc}/hedui/heduid.conf")
      message(STATUS "Keeping: $ENV{DESTDIR}${etc}/hedui/heduid.conf (the example is "
              "in ${CMAKE_INSTALL_PREFIX}/${HEDUI_DOCDIR})")
    else()
      file(INSTALL DESTINATION "${etc}/hedui" TYPE FILE
           FILES "${HEDUI_STAGING}/heduid.conf")
    endif()
  else()
    message(WARNING "hedui: ${HEDUI_EXAMPLE_CONF} missing, heduid.conf not installed")
  endif()
]])

include(${CMAKE_CURRENT_LIST_DIR}/manpages.cmake)

# What Debian requires of every package's documentation directory: the
# machine-readable copyright file, and the changelog, compressed with gzip -9n.
# Hedui is a native package (the version has no Debian revision: it is packaged
# where it is written), so the changelog is changelog.gz, not
# changelog.Debian.gz; its first entry must name the project's version (the
# packaging test checks it).
find_program(HEDUI_GZIP gzip REQUIRED)
add_custom_command(
  OUTPUT ${PROJECT_BINARY_DIR}/debian/changelog.gz
  COMMAND sh -c "\"$0\" -9nc \"$1\" > \"$2\""
          ${HEDUI_GZIP} ${PROJECT_SOURCE_DIR}/deploy/debian/changelog
          ${PROJECT_BINARY_DIR}/debian/changelog.gz
  DEPENDS ${PROJECT_SOURCE_DIR}/deploy/debian/changelog
  COMMENT "Compressing the Debian changelog"
  VERBATIM)
add_custom_target(hedui_debian_changelog ALL
  DEPENDS ${PROJECT_BINARY_DIR}/debian/changelog.gz)
file(MAKE_DIRECTORY ${PROJECT_BINARY_DIR}/debian)
install(FILES ${PROJECT_SOURCE_DIR}/deploy/debian/copyright
              ${PROJECT_BINARY_DIR}/debian/changelog.gz
  DESTINATION ${CMAKE_INSTALL_DOCDIR})

# ---- the Debian package -----------------------------------------------------
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME hedui)
set(CPACK_PACKAGE_VENDOR "Hedui")
# A real address: Debian (and lintian) refuse a maintainer @localhost.
set(CPACK_PACKAGE_CONTACT "Hedui maintainers <hedui-maintainers@example.org>")
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${CPACK_PACKAGE_CONTACT}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
  "household income verification service (居民家庭经济状况核对)")
set(CPACK_PACKAGE_DESCRIPTION
  "Hedui cross-checks a household's declaration for social assistance against
the records of other departments and returns a verdict with a report.
This package holds the server heduid (gRPC with mutual TLS, embedded RocksDB,
HMAC-chained audit log), the staff CLI hedui, a hardened systemd unit, an
example configuration and policy. The service is not started on install:
it needs the center's certificates first.")
# Version from project(); the file name is Debian's name_version_arch.deb.
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# dpkg-shlibdeps reads the binaries' NEEDED libraries and names the Debian
# runtime packages that provide them (libgrpc++1.51, librocksdb7.8, ...), so
# the Depends field can neither miss a library nor name a -dev package.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# What the maintainer scripts run: adduser (postinst), openssl (the audit key).
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser, openssl")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
  ${PROJECT_SOURCE_DIR}/deploy/debian/postinst
  ${PROJECT_SOURCE_DIR}/deploy/debian/prerm
  ${PROJECT_SOURCE_DIR}/deploy/debian/postrm
  ${PROJECT_SOURCE_DIR}/deploy/debian/conffiles)
# Maintainer scripts 0755 and conffiles 0644 whatever the checkout's modes.
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
# Install into a staging DESTDIR with the prefix /usr, so that the install
# script above sees /usr and puts configuration in /etc, not /usr/etc.
set(CPACK_SET_DESTDIR ON)
set(CPACK_INSTALL_PREFIX /usr)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
# Strip the binaries in the package (Release builds have no debug info anyway).
set(CPACK_STRIP_FILES ON)
include(CPack)
