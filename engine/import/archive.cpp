// A package as published — a tarball (`.tgz`, `.tar`, `.tar.xz`, an npm tarball, a
// `.crate`), a zip (`.whl`, `.zip`), a `.gem` (its data.tar.gz), or a plain directory
// such as a model repository — as the list of what it contains, each file hashed:
//
//   artifact: { filename, format, size?, digest?, sha512_digest?, unpacked_size,
//               entry_count, files: [path],
//               contents: [{ path, type, size, mode, sha256?, link_target? }] }
//
// Archives are read with libarchive as a stream and never extracted to disk. What would
// be dangerous to extract is an import error, not a fact: a path that climbs out of the
// tree (`..`) or is absolute, a link whose target leaves the tree, a device or fifo, and
// an archive that expands far beyond its size (a decompression bomb), noticed while
// reading, before the whole of it is expanded.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <future>
#include <memory>

#include <archive.h>
#include <archive_entry.h>

#define OPENSSL_API_COMPAT 0x10100000L
#include <fmt/format.h>
#include <openssl/sha.h>

#include "engine/base/digest.h"
#include "engine/base/printable.h"
#include "engine/facts/tree_builder.h"
#include "engine/import/importer.h"
#include "engine/import/internal/paths.h"

namespace relgate::import {
namespace {

namespace fs = std::filesystem;

// A bomb: expanded beyond this many times its size, once past kBombFloor (small archives
// of repetitive text legitimately compress well).
constexpr uint64_t kBombRatio = 200;
constexpr uint64_t kBombFloor = uint64_t{64} << 20;
// Entries: each is several fact values, so the facts limit would refuse more anyway; stop
// reading early rather than hash millions of files first.
constexpr size_t kMaxEntries = 100'000;
// A .gem's data.tar.gz is read into memory to list it.
constexpr size_t kMaxNestedBytes = size_t{512} << 20;

struct Entry {
  std::string path, type, sha256, link_target;
  int64_t size = 0;
  int mode = 0;
};

struct Listing {
  std::string format;
  std::vector<Entry> entries;
  uint64_t unpacked = 0;
};

using internal::Normalise;

// A symbolic link's target stays in the tree.
bool TargetInTree(const std::string& link_path, const std::string& target) {
  std::string resolved;
  return internal::ResolveLink(link_path, target, resolved);
}

// `tar.gz`, `zip`, `tar`, `cpio.xz`: the container and the compression around it.
std::string FormatName(archive* a) {
  std::string format;
  switch (archive_format(a) & ARCHIVE_FORMAT_BASE_MASK) {
    case ARCHIVE_FORMAT_TAR: format = "tar"; break;
    case ARCHIVE_FORMAT_ZIP: format = "zip"; break;
    case ARCHIVE_FORMAT_CPIO: format = "cpio"; break;
    case ARCHIVE_FORMAT_7ZIP: format = "7z"; break;
    default: format = archive_format_name(a) != nullptr ? archive_format_name(a) : "unknown";
  }
  switch (archive_filter_code(a, 0)) {
    case ARCHIVE_FILTER_GZIP: return fmt::format("{}.gz", format);
    case ARCHIVE_FILTER_BZIP2: return fmt::format("{}.bz2", format);
    case ARCHIVE_FILTER_XZ: return fmt::format("{}.xz", format);
    case ARCHIVE_FILTER_ZSTD: return fmt::format("{}.zst", format);
    default: return format;
  }
}

class ArchiveReader {
 public:
  ArchiveReader(uint64_t compressed_size, facts::LoadError& error)
      : compressed_(compressed_size), error_(error) {}

  // Lists the archive `a` opened by the caller into `listing`; false with the error.
  bool List(archive* a, Listing& listing, const std::string& prefix, bool top) {
    archive_entry* entry = nullptr;
    std::vector<char> nested;
    for (;;) {
      const int r = archive_read_next_header(a, &entry);
      if (r == ARCHIVE_EOF)
        break;
      if (r < ARCHIVE_WARN)
        return Fail(a, "cannot read the archive");
      if (top && listing.format.empty())
        listing.format = gem_ ? "gem" : FormatName(a);
      const char* name = archive_entry_pathname_utf8(entry);
      if (name == nullptr)
        name = archive_entry_pathname(entry);
      const std::string raw = name != nullptr ? name : "";
      std::string path;
      if (!Normalise(raw, path))
        return Refuse(
            fmt::format("entry `{}`: an absolute path or one that climbs out of the archive (`..`)",
                        Printable(raw)));
      const auto type = archive_entry_filetype(entry);
      if (type == AE_IFDIR || path.empty())
        continue;
      if (gem_ && top && path == "data.tar.gz") {
        if (!ReadAll(a, nested))
          return false;
        continue;
      }
      if (gem_ && top)
        continue;  // metadata.gz, checksums.yaml.gz: not the gem's files
      if (listing.entries.size() >= kMaxEntries)
        return Refuse(fmt::format("more than {} entries", kMaxEntries));
      Entry e;
      e.path = prefix + path;
      e.mode = static_cast<int>(archive_entry_perm(entry));
      if (const char* hard = archive_entry_hardlink(entry)) {
        e.type = "hardlink";
        std::string target;
        if (!Normalise(hard, target))
          return Refuse(fmt::format("entry `{}`: a hard link to `{}`, outside the archive",
                                    Printable(path), Printable(hard)));
        e.link_target = target;
      } else if (type == AE_IFLNK) {
        e.type = "symlink";
        const char* target = archive_entry_symlink(entry);
        e.link_target = target != nullptr ? target : "";
        if (!TargetInTree(path, e.link_target))
          return Refuse(fmt::format("entry `{}`: a symbolic link to `{}`, outside the archive",
                                    Printable(path), Printable(e.link_target)));
      } else if (type == AE_IFREG) {
        e.type = "file";
        if (!Hash(a, e, listing))
          return false;
      } else {
        return Refuse(fmt::format("entry `{}`: not a file, directory or link (a device or fifo)",
                                  Printable(path)));
      }
      if (e.type != "file")
        e.size = 0;
      listing.entries.push_back(std::move(e));
    }
    if (!nested.empty()) {
      std::unique_ptr<archive, int (*)(archive*)> inner(archive_read_new(), archive_read_free);
      archive_read_support_filter_all(inner.get());
      archive_read_support_format_all(inner.get());
      if (archive_read_open_memory(inner.get(), nested.data(), nested.size()) != ARCHIVE_OK)
        return Fail(inner.get(), "cannot read the gem's data.tar.gz");
      gem_ = false;
      return List(inner.get(), listing, prefix, false);
    }
    return true;
  }

  void set_gem(bool gem) { gem_ = gem; }

 private:
  bool Hash(archive* a, Entry& e, Listing& listing) {
    Sha256Stream sha;
    const void* block = nullptr;
    size_t size = 0;
    la_int64_t offset = 0;
    int64_t done = 0;
    static const std::string kZeros(64 * 1024, '\0');
    for (;;) {
      const int r = archive_read_data_block(a, &block, &size, &offset);
      if (r == ARCHIVE_EOF)
        break;
      if (r < ARCHIVE_WARN)
        return Fail(a, fmt::format("cannot read `{}`", Printable(e.path)));
      // A sparse file's holes read as zeros.
      while (done < offset) {
        const size_t n = static_cast<size_t>(std::min<int64_t>(offset - done, kZeros.size()));
        sha.Update(std::string_view(kZeros.data(), n));
        done += static_cast<int64_t>(n);
        if (!Count(listing, n))
          return false;
      }
      sha.Update(std::string_view(static_cast<const char*>(block), size));
      done += static_cast<int64_t>(size);
      if (!Count(listing, size))
        return false;
    }
    e.size = done;
    e.sha256 = sha.FinishHex();
    return true;
  }

  bool ReadAll(archive* a, std::vector<char>& out) {
    const void* block = nullptr;
    size_t size = 0;
    la_int64_t offset = 0;
    for (;;) {
      const int r = archive_read_data_block(a, &block, &size, &offset);
      if (r == ARCHIVE_EOF)
        return true;
      if (r < ARCHIVE_WARN)
        return Fail(a, "cannot read the gem's data.tar.gz");
      if (out.size() + size > kMaxNestedBytes)
        return Refuse(
            fmt::format("the gem's data.tar.gz is larger than {} MiB", kMaxNestedBytes >> 20));
      out.insert(out.end(), static_cast<const char*>(block),
                 static_cast<const char*>(block) + size);
    }
  }

  bool Count(Listing& listing, uint64_t bytes) {
    listing.unpacked += bytes;
    if (compressed_ > 0 && listing.unpacked > kBombFloor &&
        listing.unpacked > kBombRatio * compressed_) {
      return Refuse(
          fmt::format("it expands to more than {} times its size ({} bytes): a decompression bomb "
                      "is not read to the end",
                      kBombRatio, compressed_));
    }
    return true;
  }

  bool Fail(archive* a, const std::string& what) {
    const char* why = archive_error_string(a);
    return Refuse(why != nullptr ? fmt::format("{}: {}", what, why) : what);
  }

  bool Refuse(const std::string& message) {
    error_.message = message;
    return false;
  }

  uint64_t compressed_;
  facts::LoadError& error_;
  bool gem_ = false;
};

bool EndsWith(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix.data(), suffix.size()) == 0;
}

// Walks a directory without following links; `.git` is the repository, not the release.
bool ListDirectory(const fs::path& root, Listing& listing, facts::LoadError& error) {
  listing.format = "directory";
  std::error_code ec;
  fs::recursive_directory_iterator it(root, fs::directory_options::none, ec), end;
  std::vector<char> buffer(1 << 20);
  for (; !ec && it != end; it.increment(ec)) {
    const fs::directory_entry& d = *it;
    const std::string path = d.path().lexically_relative(root).generic_string();
    if (d.path().filename() == ".git") {
      it.disable_recursion_pending();
      continue;
    }
    const fs::file_status status = d.symlink_status(ec);
    if (ec)
      break;
    if (fs::is_directory(status))
      continue;
    if (listing.entries.size() >= kMaxEntries) {
      error.message = fmt::format("more than {} files", kMaxEntries);
      return false;
    }
    Entry e;
    e.path = path;
    e.mode = static_cast<int>(status.permissions()) & 07777;
    if (fs::is_symlink(status)) {
      e.type = "symlink";
      e.link_target = fs::read_symlink(d.path(), ec).string();
      if (ec)
        break;
      if (!TargetInTree(path, e.link_target)) {
        error.message = fmt::format("`{}`: a symbolic link to `{}`, outside the directory",
                                    Printable(path), Printable(e.link_target));
        return false;
      }
    } else if (fs::is_regular_file(status)) {
      e.type = "file";
      std::ifstream in(d.path(), std::ios::binary);
      Sha256Stream sha;
      while (in) {
        in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
        const auto n = static_cast<size_t>(in.gcount());
        sha.Update(std::string_view(buffer.data(), n));
        e.size += static_cast<int64_t>(n);
      }
      if (in.bad()) {
        error.message = fmt::format("cannot read `{}`", Printable(path));
        return false;
      }
      e.sha256 = sha.FinishHex();
      listing.unpacked += static_cast<uint64_t>(e.size);
    } else {
      error.message = fmt::format("`{}`: not a file, directory or link", Printable(path));
      return false;
    }
    listing.entries.push_back(std::move(e));
  }
  if (ec) {
    error.message = fmt::format("cannot read the directory: {}", ec.message());
    return false;
  }
  return true;
}

struct ArchiveDigests {
  std::string sha256, sha512;
  uint64_t size = 0;
};

std::unique_ptr<facts::Document> Write(const std::string& path, const Listing& listing,
                                       const ArchiveDigests* digests, facts::LoadError& error) {
  std::vector<size_t> order(listing.entries.size());
  for (size_t k = 0; k < order.size(); ++k)
    order[k] = k;
  // Name order: the same tree gives the same facts however it was packed.
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return listing.entries[a].path < listing.entries[b].path; });
  for (size_t k = 1; k < order.size(); ++k) {
    if (listing.entries[order[k]].path == listing.entries[order[k - 1]].path) {
      error.message =
          fmt::format("`{}` is in the archive twice: which one is extracted depends on the tool",
                      Printable(listing.entries[order[k]].path));
      return nullptr;
    }
  }
  facts::TreeBuilder b(fmt::format("{} (archive)", path),
                       digests != nullptr ? digests->sha256 : "");
  b.BeginObject();
  b.Key("artifact");
  b.BeginObject();
  b.Field("filename", fs::path(path).filename().string());
  b.Field("format", listing.format);
  if (digests != nullptr) {
    b.FieldInt("size", static_cast<int64_t>(digests->size));
    b.Field("digest", fmt::format("sha256:{}", digests->sha256));
    b.Field("sha512_digest", fmt::format("sha512:{}", digests->sha512));
  }
  b.FieldInt("unpacked_size", static_cast<int64_t>(listing.unpacked));
  b.FieldInt("entry_count", static_cast<int64_t>(listing.entries.size()));
  b.Key("files");
  b.BeginArray();
  for (size_t k : order)
    b.String(listing.entries[k].path);
  b.EndArray();
  b.Key("contents");
  b.BeginArray();
  for (size_t k : order) {
    const Entry& e = listing.entries[k];
    b.BeginObject();
    b.Field("path", e.path);
    b.Field("type", e.type);
    b.FieldInt("size", e.size);
    b.FieldInt("mode", e.mode);
    if (!e.sha256.empty())
      b.Field("sha256", e.sha256);
    if (!e.link_target.empty())
      b.Field("link_target", e.link_target);
    b.EndObject();
  }
  b.EndArray();
  b.EndObject();
  b.EndObject();
  return b.Finish(error);
}

using ArchivePtr = std::unique_ptr<archive, int (*)(archive*)>;

ArchivePtr NewReader() {
  ArchivePtr a(archive_read_new(), archive_read_free);
  archive_read_support_filter_all(a.get());
  archive_read_support_format_all(a.get());
  return a;
}

std::string Sha512Hex(std::string_view data) {
  unsigned char digest[SHA512_DIGEST_LENGTH];
  SHA512(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  return HexEncode(std::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
}

// The archive file's digest by one algorithm, streamed: "" with `error` when it cannot be
// read. SHA-512 (npm's subject digest) has no instructions of its own on common CPUs and
// costs twice SHA-256, so the import runs it on a thread of its own beside the listing.
template <typename Update>
bool StreamFile(const std::string& path, uint64_t& size, std::string& error, Update update) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "cannot open it";
    return false;
  }
  std::vector<char> buffer(1 << 20);
  size = 0;
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    const auto n = static_cast<size_t>(in.gcount());
    update(std::string_view(buffer.data(), n));
    size += n;
  }
  if (in.bad()) {
    error = "cannot read it";
    return false;
  }
  return true;
}

std::string FileSha512(const std::string& path, std::string& error) {
  SHA512_CTX sha512;
  SHA512_Init(&sha512);
  uint64_t size = 0;
  if (!StreamFile(path, size, error,
                  [&](std::string_view data) { SHA512_Update(&sha512, data.data(), data.size()); }))
    return "";
  unsigned char digest[SHA512_DIGEST_LENGTH];
  SHA512_Final(digest, &sha512);
  return HexEncode(std::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
}

}  // namespace

std::unique_ptr<facts::Document> ImportArchive(std::string_view bytes, const std::string& path,
                                               facts::LoadError& error) {
  ArchivePtr a = NewReader();
  Listing listing;
  ArchiveReader reader(bytes.size(), error);
  reader.set_gem(EndsWith(path, ".gem"));
  if (archive_read_open_memory(a.get(), bytes.data(), bytes.size()) != ARCHIVE_OK) {
    error.message =
        fmt::format("not an archive libarchive reads: {}",
                    (archive_error_string(a.get()) ? archive_error_string(a.get()) : ""));
    return nullptr;
  }
  if (!reader.List(a.get(), listing, "", true))
    return nullptr;
  ArchiveDigests digests{Sha256Hex(bytes), Sha512Hex(bytes), bytes.size()};
  return Write(path, listing, &digests, error);
}

std::unique_ptr<facts::Document> ImportArchiveRequest(const Request& request,
                                                      facts::LoadError& error) {
  const std::string& path = request.inputs.front();
  error.file = path;
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (ec) {
    error.message = fmt::format("cannot read it: {}", ec.message());
    return nullptr;
  }
  Listing listing;
  if (fs::is_directory(status)) {
    if (!ListDirectory(path, listing, error))
      return nullptr;
    return Write(path, listing, nullptr, error);
  }
  if (!fs::is_regular_file(status)) {
    error.message = "not an archive file or a directory";
    return nullptr;
  }
  std::string sha512_error;
  std::future<std::string> sha512 =
      std::async(std::launch::async, FileSha512, path, std::ref(sha512_error));
  ArchiveDigests digests;
  const bool listed = [&] {
    ArchivePtr a = NewReader();
    if (archive_read_open_filename(a.get(), path.c_str(), 1 << 16) != ARCHIVE_OK) {
      error.message =
          fmt::format("not an archive libarchive reads: {}",
                      (archive_error_string(a.get()) ? archive_error_string(a.get()) : ""));
      return false;
    }
    ArchiveReader reader(fs::file_size(path, ec), error);
    reader.set_gem(EndsWith(path, ".gem"));
    if (!reader.List(a.get(), listing, "", true))
      return false;
    Sha256Stream sha256;
    std::string problem;
    if (!StreamFile(path, digests.size, problem,
                    [&](std::string_view data) { sha256.Update(data); })) {
      error.message = problem;
      return false;
    }
    digests.sha256 = sha256.FinishHex();
    return true;
  }();
  digests.sha512 = sha512.get();  // joined on every path: the thread reads `path`
  if (!listed)
    return nullptr;
  if (digests.sha512.empty()) {
    error.message = sha512_error;
    return nullptr;
  }
  return Write(path, listing, &digests, error);
}

}  // namespace relgate::import
