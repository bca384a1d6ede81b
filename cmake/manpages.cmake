# Manual pages (issue 18, "Package"): hedui(1), heduid(8) and heduid.conf(5),
# generated from the built binaries so that they say what --help says:
# help2man reads `hedui --help` and `heduid --help` (plus --version), and
# deploy/man/heduid.conf.5.sh reads `heduid --print-config`, which lists the
# same options with the same descriptions. deploy/man/*.h2m add the sections
# --help has no room for (files, signals, exit status). Compressed with
# gzip -9n (no name or time stamp: the same bytes on every build, as Debian
# wants) and installed under share/man.
include(GNUInstallDirs)
find_program(HEDUI_HELP2MAN help2man)
find_program(HEDUI_GZIP gzip REQUIRED)
if(NOT HEDUI_HELP2MAN)
  message(WARNING "help2man not found (deploy/install-deps.sh installs it): "
    "no manual pages, and the package's lintian check fails")
  return()
endif()

set(man_dir ${PROJECT_BINARY_DIR}/man)
set(man_src ${PROJECT_SOURCE_DIR}/deploy/man)
set(man_pages)

# hedui_help2man(TARGET SECTION NAME): a page for a built program.
function(hedui_help2man target section name)
  set(page ${man_dir}/${target}.${section})
  add_custom_command(
    OUTPUT ${page}.gz
    COMMAND ${HEDUI_HELP2MAN} --no-info --section=${section} --name=${name}
            --include=${man_src}/${target}.h2m --output=${page}
            $<TARGET_FILE:${target}>
    COMMAND ${HEDUI_GZIP} -9nf ${page}
    DEPENDS ${target} ${man_src}/${target}.h2m
    COMMENT "Generating the manual page ${target}(${section})"
    VERBATIM)
  set(man_pages ${man_pages} ${page}.gz PARENT_SCOPE)
  install(FILES ${page}.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man${section})
endfunction()

file(MAKE_DIRECTORY ${man_dir})
hedui_help2man(hedui 1
  "staff command line of the Hedui household income verification service")
hedui_help2man(heduid 8 "Hedui household income verification server")

# The example's keys go to the page's EXAMPLE section when it exists.
set(example_conf)
if(EXISTS ${HEDUI_EXAMPLE_CONF})
  set(example_conf ${HEDUI_EXAMPLE_CONF})
endif()
add_custom_command(
  OUTPUT ${man_dir}/heduid.conf.5.gz
  COMMAND sh -c "sh \"$0\" \"$1\" \"$2\" > \"$3\""
          ${man_src}/heduid.conf.5.sh $<TARGET_FILE:heduid> "${example_conf}"
          ${man_dir}/heduid.conf.5
  COMMAND ${HEDUI_GZIP} -9nf ${man_dir}/heduid.conf.5
  DEPENDS heduid ${man_src}/heduid.conf.5.sh ${example_conf}
  COMMENT "Generating the manual page heduid.conf(5)"
  VERBATIM)
list(APPEND man_pages ${man_dir}/heduid.conf.5.gz)
install(FILES ${man_dir}/heduid.conf.5.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man5)

add_custom_target(hedui_man ALL DEPENDS ${man_pages})
