# cmake -DRELGATE=<binary> -DHELP2MAN=<help2man> -DVERSION=<x.y.z> -DOUT_DIR=<dir>
#       -P ManPages.cmake
# Writes the man pages from the commands' own --help (help2man): relgate(1), and
# relgate-COMMAND(1) for every subcommand `relgate --help` lists, so a new command gets
# its page without a list here to keep. help2man dates a page by SOURCE_DATE_EPOCH when
# it is set (the build sets it to the commit's time): two builds of one commit write the
# same pages.
execute_process(COMMAND ${RELGATE} --help OUTPUT_VARIABLE top RESULT_VARIABLE failed)
if(failed)
  message(FATAL_ERROR "${RELGATE} --help failed")
endif()
string(REGEX MATCH "Subcommands:\n.*" listing "${top}")
string(REPLACE "\n" ";" lines "${listing}")
set(commands "")
set(see_also "")
foreach(line IN LISTS lines)
  if(line MATCHES "^  ([a-z-]+) +(.*)$")
    set(command ${CMAKE_MATCH_1})
    set(summary "${CMAKE_MATCH_2}")
    string(REGEX REPLACE ":.*" "" summary "${summary}")
    list(APPEND commands ${command})
    set(summary_${command} "${summary}")
    string(APPEND see_also ".BR relgate-${command} (1)\n")
  endif()
endforeach()
if(commands STREQUAL "")
  message(FATAL_ERROR "relgate --help lists no subcommands")
endif()
file(MAKE_DIRECTORY ${OUT_DIR})
file(WRITE ${OUT_DIR}/see-also.h2m "[SEE ALSO]\n${see_also}")

function(write_page name help_option summary)
  execute_process(
    COMMAND ${HELP2MAN} --no-info --no-discard-stderr --version-string=${VERSION}
            --help-option=${help_option} --name=${summary} --section=1
            --manual=relgate --source=relgate --include=${OUT_DIR}/see-also.h2m
            --output=${OUT_DIR}/${name}.1.tmp ${RELGATE}
    RESULT_VARIABLE failed)
  if(failed)
    message(FATAL_ERROR "help2man failed for ${name}")
  endif()
  file(READ ${OUT_DIR}/${name}.1.tmp page)
  file(REMOVE ${OUT_DIR}/${name}.1.tmp)
  if(NOT name STREQUAL "relgate")
    string(TOUPPER ${name} upper)
    string(REPLACE ".TH RELGATE " ".TH ${upper} " page "${page}")
    string(REPLACE "\nrelgate \\- " "\n${name} \\- " page "${page}")
  endif()
  file(WRITE ${OUT_DIR}/${name}.1 "${page}")
endfunction()

write_page(relgate --help "checks the facts of a release against a policy before the gate opens")
foreach(command IN LISTS commands)
  write_page(relgate-${command} "${command} --help" "${summary_${command}}")
endforeach()
file(REMOVE ${OUT_DIR}/see-also.h2m)
