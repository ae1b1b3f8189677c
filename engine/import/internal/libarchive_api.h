// libarchive, opened on first use of a package archive (engine/base/shared_library.h says
// why: it brings XML, ICU, ACLs and every compressor with it). Each member is the libarchive
// function of the same name; call sites read `Libarchive().archive_read_new()`.
#pragma once

#include <string>

#include <archive.h>
#include <archive_entry.h>

namespace relgate::import {

#define RELGATE_LIBARCHIVE_FUNCTIONS(X) \
  X(archive_entry_filetype)             \
  X(archive_entry_hardlink)             \
  X(archive_entry_pathname)             \
  X(archive_entry_pathname_utf8)        \
  X(archive_entry_perm)                 \
  X(archive_entry_symlink)              \
  X(archive_error_string)               \
  X(archive_filter_code)                \
  X(archive_format)                     \
  X(archive_format_name)                \
  X(archive_read_data)                  \
  X(archive_read_data_block)            \
  X(archive_read_free)                  \
  X(archive_read_new)                   \
  X(archive_read_next_header)           \
  X(archive_read_open)                  \
  X(archive_read_open_filename)         \
  X(archive_read_open_memory)           \
  X(archive_read_support_filter_all)    \
  X(archive_read_support_format_7zip)   \
  X(archive_read_support_format_ar)     \
  X(archive_read_support_format_cpio)   \
  X(archive_read_support_format_gnutar) \
  X(archive_read_support_format_tar)    \
  X(archive_read_support_format_zip)

struct LibarchiveApi {
#define RELGATE_LIBARCHIVE_MEMBER(name) decltype(&::name) name = nullptr;
  RELGATE_LIBARCHIVE_FUNCTIONS(RELGATE_LIBARCHIVE_MEMBER)
#undef RELGATE_LIBARCHIVE_MEMBER
};

// Loads libarchive once per process; false (with `error` naming the library and the Debian
// package) when it is not installed.
bool LoadLibarchive(std::string& error);

// The loaded functions: only after LoadLibarchive returned true.
const LibarchiveApi& Libarchive();

}  // namespace relgate::import
