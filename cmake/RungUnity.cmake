# Unity builds: the files of one area (core, io, gen, ... the folder a source file sits in) are
# compiled a few at a time as one translation unit. Under the sanitizers most of a file's compile
# time went to instantiating and instrumenting the same templates (nlohmann-json, {fmt},
# Boost.Multiprecision, GoogleTest) that the next file instantiates again; a group does it once
# (docs/benchmarks.md, "Unity groups": a clean ASan build on 2 cores in 10 minutes instead of 14).
#
# Files share a translation unit only with files of their own area, so a file-local name has to
# be unique within its area's group, not across the project. A file whose file-local names clash
# with another file of its area is listed APART and compiled alone (the compiler names the clash:
# "redefinition of ..." or "... is ambiguous"). A same-named function with other parameters would
# not clash but overload, so within an area file-local helpers get distinct names.
#
# rung_unity(<target> BATCH <n> APART <source>...): the target's sources in groups of at most <n>
# per area, in the order the target lists them.
function(rung_unity target)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "BATCH" "APART")
  if(NOT RUNG_UNITY_BUILD)
    return()
  endif()
  set_target_properties(${target} PROPERTIES UNITY_BUILD ON UNITY_BUILD_MODE GROUP)
  # GCC takes a group's files for headers and warns that a class of one file (LinearProgram::Impl)
  # has a member of a type in that file's anonymous namespace: right for a header, not here.
  target_compile_options(${target} PRIVATE $<$<CXX_COMPILER_ID:GNU>:-Wno-subobject-linkage>)
  get_target_property(sources ${target} SOURCES)
  foreach(source IN LISTS sources)
    if(NOT source MATCHES "\\.cpp$" OR source IN_LIST arg_APART)
      continue()  # not in any group: compiled on its own
    endif()
    cmake_path(GET source PARENT_PATH folder)
    cmake_path(GET folder FILENAME area)
    if(NOT DEFINED count_${area})
      set(count_${area} 0)
    endif()
    math(EXPR batch "${count_${area}} / ${arg_BATCH}")
    math(EXPR count_${area} "${count_${area}} + 1")
    set_source_files_properties(${source} TARGET_DIRECTORY ${target} PROPERTIES UNITY_GROUP "${area}_${batch}")
  endforeach()
endfunction()
