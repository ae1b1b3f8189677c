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
#include <clocale>
#include <filesystem>
#include <fstream>
#include <future>
#include <memory>
#include <set>

#include <fmt/format.h>

#include "engine/base/digest.h"
#include "engine/base/printable.h"
#include "engine/facts/tree_builder.h"
#include "engine/import/importer.h"
#include "engine/import/internal/libarchive_api.h"
#include "engine/import/internal/paths.h"
#include "engine/import/internal/tree_check.h"
#include <locale.h>
#include <sys/stat.h>

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
// A directory is hashed file by file: its files' apparent sizes together are bounded
// before any is read (a model repository of several large weight files fits; a 200 GB
// sparse file does not), and so is a file whose blocks on disk are a small part of its
// size (a sparse file hashes gigabytes of zeros that take no space).
constexpr uint64_t kMaxDirectoryBytes = uint64_t{64} << 30;
constexpr uint64_t kSparseFloor = uint64_t{16} << 20;
constexpr uint64_t kSparseRatio = 16;

struct Entry {
  std::string path, type, sha256, link_target;
  int64_t size = 0;
  int mode = 0;
};

struct Listing {
  std::string format;
  std::vector<Entry> entries;
  std::vector<std::string> directories;  // directory entries, for internal::CheckTree
  uint64_t unpacked = 0;                 // the files' bytes (the fact unpacked_size)
  uint64_t expanded = 0;  // every byte decompressed, nested archives too (the bomb rule)
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
  switch (Libarchive().archive_format(a) & ARCHIVE_FORMAT_BASE_MASK) {
    case ARCHIVE_FORMAT_TAR: format = "tar"; break;
    case ARCHIVE_FORMAT_ZIP: format = "zip"; break;
    case ARCHIVE_FORMAT_CPIO: format = "cpio"; break;
    case ARCHIVE_FORMAT_7ZIP: format = "7z"; break;
    default:
      format = Libarchive().archive_format_name(a) != nullptr ? Libarchive().archive_format_name(a)
                                                              : "unknown";
  }
  switch (Libarchive().archive_filter_code(a, 0)) {
    case ARCHIVE_FILTER_GZIP: return fmt::format("{}.gz", format);
    case ARCHIVE_FILTER_BZIP2: return fmt::format("{}.bz2", format);
    case ARCHIVE_FILTER_XZ: return fmt::format("{}.xz", format);
    case ARCHIVE_FILTER_ZSTD: return fmt::format("{}.zst", format);
    default: return format;
  }
}

// The containers packages come in. Not libarchive's "all": mtree reads almost any text
// file as a list of made-up entries, and raw or empty formats accept anything.
void SupportPackageFormats(archive* a) {
  Libarchive().archive_read_support_filter_all(a);
  Libarchive().archive_read_support_format_tar(a);
  Libarchive().archive_read_support_format_gnutar(a);
  Libarchive().archive_read_support_format_zip(a);
  Libarchive().archive_read_support_format_cpio(a);
  Libarchive().archive_read_support_format_7zip(a);
  Libarchive().archive_read_support_format_ar(a);
}

class ArchiveReader {
 public:
  ArchiveReader(uint64_t compressed_size, facts::LoadError& error)
      : compressed_(compressed_size), error_(error) {}

  // Lists the archive `a` opened by the caller into `listing`; false with the error.
  bool List(archive* a, Listing& listing, const std::string& prefix, bool top) {
    archive_entry* entry = nullptr;
    std::set<std::string> gem_members;
    for (;;) {
      const int r = Libarchive().archive_read_next_header(a, &entry);
      if (r == ARCHIVE_EOF)
        break;
      if (r < ARCHIVE_WARN)
        return Fail(a, "cannot read the archive");
      if (top && listing.format.empty())
        listing.format = gem_ ? "gem" : FormatName(a);
      const char* name = Libarchive().archive_entry_pathname_utf8(entry);
      if (name == nullptr)
        name = Libarchive().archive_entry_pathname(entry);
      const std::string raw = name != nullptr ? name : "";
      std::string path;
      if (!Normalise(raw, path))
        return Refuse(
            fmt::format("entry `{}`: an absolute path or one that climbs out of the archive (`..`)",
                        Printable(raw)));
      const auto type = Libarchive().archive_entry_filetype(entry);
      if (path.empty())
        continue;
      if (gem_ && top) {
        // metadata.gz and checksums.yaml.gz are not the gem's files; data.tar.gz holds them,
        // read as a stream from inside the gem. A member twice is refused: gem tools and
        // relgate could read different copies.
        if (!gem_members.insert(path).second)
          return Refuse(fmt::format("the gem holds `{}` twice", Printable(path)));
        if (path == "data.tar.gz" && !ListNested(a, listing, prefix))
          return false;
        continue;
      }
      if (type == AE_IFDIR) {
        listing.directories.push_back(prefix + path);
        continue;
      }
      if (listing.entries.size() >= kMaxEntries)
        return Refuse(fmt::format("more than {} entries", kMaxEntries));
      Entry e;
      e.path = prefix + path;
      e.mode = static_cast<int>(Libarchive().archive_entry_perm(entry));
      if (const char* hard = Libarchive().archive_entry_hardlink(entry)) {
        e.type = "hardlink";
        std::string target;
        if (!Normalise(hard, target))
          return Refuse(fmt::format("entry `{}`: a hard link to `{}`, outside the archive",
                                    Printable(path), Printable(hard)));
        e.link_target = target;
      } else if (type == AE_IFLNK) {
        e.type = "symlink";
        const char* target = Libarchive().archive_entry_symlink(entry);
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
    return true;
  }

  void set_gem(bool gem) { gem_ = gem; }

 private:
  bool Hash(archive* a, Entry& e, Listing& listing) {
    DigestStream sha(DigestStream::Algorithm::kSha256);
    const void* block = nullptr;
    size_t size = 0;
    la_int64_t offset = 0;
    int64_t done = 0;
    static const std::string kZeros(64 * 1024, '\0');
    for (;;) {
      const int r = Libarchive().archive_read_data_block(a, &block, &size, &offset);
      if (r == ARCHIVE_EOF)
        break;
      if (r < ARCHIVE_WARN)
        return Fail(a, fmt::format("cannot read `{}`", Printable(e.path)));
      // A sparse file's holes read as zeros.
      while (done < offset) {
        const size_t n = static_cast<size_t>(std::min<int64_t>(offset - done, kZeros.size()));
        sha.Update(std::string_view(kZeros.data(), n));
        done += static_cast<int64_t>(n);
        if (!Count(listing, n, true))
          return false;
      }
      sha.Update(std::string_view(static_cast<const char*>(block), size));
      done += static_cast<int64_t>(size);
      if (!Count(listing, size, true))
        return false;
    }
    e.size = done;
    e.sha256 = sha.FinishHex();
    return true;
  }

  // The archive inside the current entry of `outer` (a gem's data.tar.gz), read as a
  // stream of the outer one: never held in memory, and its bytes count towards the bomb
  // rule twice, as the member read and as what it expands to.
  struct Nested {
    ArchiveReader* reader;
    archive* outer;
    Listing* listing;
    char buffer[1 << 16];
  };

  static la_ssize_t ReadNested(archive*, void* data, const void** block) {
    auto* nested = static_cast<Nested*>(data);
    const la_ssize_t n =
        Libarchive().archive_read_data(nested->outer, nested->buffer, sizeof nested->buffer);
    if (n > 0 && !nested->reader->Count(*nested->listing, static_cast<uint64_t>(n), false))
      return ARCHIVE_FATAL;
    *block = nested->buffer;
    return n;
  }

  bool ListNested(archive* outer, Listing& listing, const std::string& prefix) {
    auto nested = std::make_unique<Nested>(Nested{this, outer, &listing, {}});
    std::unique_ptr<archive, int (*)(archive*)> inner(Libarchive().archive_read_new(),
                                                      Libarchive().archive_read_free);
    SupportPackageFormats(inner.get());
    if (Libarchive().archive_read_open(inner.get(), nested.get(), nullptr, ReadNested, nullptr) !=
        ARCHIVE_OK)
      return error_.message.empty() ? Fail(inner.get(), "cannot read the gem's data.tar.gz")
                                    : false;
    if (!List(inner.get(), listing, prefix, false))
      return false;
    return true;
  }

  bool Count(Listing& listing, uint64_t bytes, bool file_bytes) {
    if (file_bytes)
      listing.unpacked += bytes;
    listing.expanded += bytes;
    if (compressed_ > 0 && listing.expanded > kBombFloor &&
        listing.expanded > kBombRatio * compressed_) {
      return Refuse(
          fmt::format("it expands to more than {} times its size ({} bytes): a decompression bomb "
                      "is not read to the end",
                      kBombRatio, compressed_));
    }
    return true;
  }

  bool Fail(archive* a, const std::string& what) {
    if (!error_.message.empty())
      return false;  // refused inside a callback (a nested bomb): that is the reason
    const char* why = Libarchive().archive_error_string(a);
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
// Every entry is listed (and its size bounded) before any file is hashed.
bool ListDirectory(const fs::path& root, Listing& listing, facts::LoadError& error) {
  listing.format = "directory";
  std::error_code ec;
  fs::recursive_directory_iterator it(root, fs::directory_options::none, ec), end;
  uint64_t apparent = 0;
  std::vector<fs::path> files;  // beside listing.entries, for the regular files
  for (; !ec && it != end; it.increment(ec)) {
    const fs::directory_entry& d = *it;
    const std::string path = d.path().lexically_relative(root).generic_string();
    if (d.path().filename() == ".git") {
      it.disable_recursion_pending();
      continue;
    }
    struct stat st;
    if (::lstat(d.path().c_str(), &st) != 0) {
      error.message = fmt::format("cannot read `{}`", Printable(path));
      return false;
    }
    if (S_ISDIR(st.st_mode)) {
      listing.directories.push_back(path);
      continue;
    }
    if (listing.entries.size() >= kMaxEntries) {
      error.message = fmt::format("more than {} files", kMaxEntries);
      return false;
    }
    Entry e;
    e.path = path;
    e.mode = static_cast<int>(st.st_mode & 07777);
    if (S_ISLNK(st.st_mode)) {
      e.type = "symlink";
      e.link_target = fs::read_symlink(d.path(), ec).string();
      if (ec)
        break;
      if (!TargetInTree(path, e.link_target)) {
        error.message = fmt::format("`{}`: a symbolic link to `{}`, outside the directory",
                                    Printable(path), Printable(e.link_target));
        return false;
      }
      files.emplace_back();
    } else if (S_ISREG(st.st_mode)) {
      e.type = "file";
      const auto size = static_cast<uint64_t>(st.st_size);
      const auto allocated = static_cast<uint64_t>(st.st_blocks) * 512;
      if (size > kSparseFloor && allocated < size / kSparseRatio) {
        error.message = fmt::format(
            "`{}` is a sparse file: {} bytes long, {} bytes on disk (a package's files are "
            "not mostly holes)",
            Printable(path), size, allocated);
        return false;
      }
      apparent += size;
      if (apparent > kMaxDirectoryBytes) {
        error.message = fmt::format(
            "its files hold more than {} GiB together (reached at `{}`): larger than any "
            "release relgate hashes",
            kMaxDirectoryBytes >> 30, Printable(path));
        return false;
      }
      files.push_back(d.path());
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
  std::vector<char> buffer(1 << 20);
  for (size_t k = 0; k < listing.entries.size(); ++k) {
    Entry& e = listing.entries[k];
    if (e.type != "file")
      continue;
    std::ifstream in(files[k], std::ios::binary);
    DigestStream sha(DigestStream::Algorithm::kSha256);
    while (in) {
      in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
      const auto n = static_cast<size_t>(in.gcount());
      sha.Update(std::string_view(buffer.data(), n));
      e.size += static_cast<int64_t>(n);
      // A file that grows while it is read stops at the bound too.
      if (listing.unpacked + static_cast<uint64_t>(e.size) > kMaxDirectoryBytes) {
        error.message = fmt::format("`{}` grew past {} GiB while it was read", Printable(e.path),
                                    kMaxDirectoryBytes >> 30);
        return false;
      }
    }
    if (in.bad() || !in.eof()) {
      error.message = fmt::format("cannot read `{}`", Printable(e.path));
      return false;
    }
    e.sha256 = sha.FinishHex();
    listing.unpacked += static_cast<uint64_t>(e.size);
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
  std::vector<internal::TreeEntry> tree;
  tree.reserve(listing.entries.size() + listing.directories.size());
  for (const Entry& e : listing.entries)
    tree.push_back({e.path, e.type, e.link_target});
  for (const std::string& dir : listing.directories)
    tree.push_back({dir, "directory", ""});
  if (std::string why = internal::CheckTree(tree); !why.empty()) {
    error.message = why;
    return nullptr;
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

// libarchive converts entry names to the thread's locale, and relgate runs in the C
// locale, where a zip's UTF-8 names (flag bit 11) cannot be converted and come out empty.
// While an archive is read, this thread's character type is UTF-8 (glibc's built-in
// C.UTF-8), so names arrive as the archive spells them.
class Utf8Names {
 public:
  Utf8Names() : locale_(newlocale(LC_CTYPE_MASK, "C.UTF-8", nullptr)) {
    if (locale_ != nullptr)
      previous_ = uselocale(locale_);
  }

  ~Utf8Names() {
    if (locale_ == nullptr)
      return;
    uselocale(previous_);
    freelocale(locale_);
  }

  Utf8Names(const Utf8Names&) = delete;
  Utf8Names& operator=(const Utf8Names&) = delete;

 private:
  locale_t locale_;
  locale_t previous_ = nullptr;
};

ArchivePtr NewReader() {
  ArchivePtr a(Libarchive().archive_read_new(), Libarchive().archive_read_free);
  SupportPackageFormats(a.get());
  return a;
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
  DigestStream sha512(DigestStream::Algorithm::kSha512);
  uint64_t size = 0;
  if (!StreamFile(path, size, error, [&](std::string_view data) { sha512.Update(data); }))
    return "";
  return sha512.FinishHex();
}

}  // namespace

std::unique_ptr<facts::Document> ImportArchive(std::string_view bytes, const std::string& path,
                                               facts::LoadError& error) {
  if (!LoadLibarchive(error.message))
    return nullptr;
  const Utf8Names utf8;
  ArchivePtr a = NewReader();
  Listing listing;
  ArchiveReader reader(bytes.size(), error);
  reader.set_gem(EndsWith(path, ".gem"));
  if (Libarchive().archive_read_open_memory(a.get(), bytes.data(), bytes.size()) != ARCHIVE_OK) {
    error.message = fmt::format(
        "not an archive libarchive reads: {}",
        (Libarchive().archive_error_string(a.get()) ? Libarchive().archive_error_string(a.get())
                                                    : ""));
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
  if (!LoadLibarchive(error.message))
    return nullptr;
  std::string sha512_error;
  std::future<std::string> sha512 =
      std::async(std::launch::async, FileSha512, path, std::ref(sha512_error));
  ArchiveDigests digests;
  const bool listed = [&] {
    const Utf8Names utf8;
    ArchivePtr a = NewReader();
    if (Libarchive().archive_read_open_filename(a.get(), path.c_str(), 1 << 16) != ARCHIVE_OK) {
      error.message = fmt::format(
          "not an archive libarchive reads: {}",
          (Libarchive().archive_error_string(a.get()) ? Libarchive().archive_error_string(a.get())
                                                      : ""));
      return false;
    }
    ArchiveReader reader(fs::file_size(path, ec), error);
    reader.set_gem(EndsWith(path, ".gem"));
    if (!reader.List(a.get(), listing, "", true))
      return false;
    DigestStream sha256(DigestStream::Algorithm::kSha256);
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
