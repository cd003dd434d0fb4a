#pragma once
// The bytes the dataset scanner walks: a file, a memory buffer, or the inflated rest of a
// deflated dataset, behind one forward-only interface so that the walk is the same for all;
// internal to the scanner.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>

namespace gw::dicom::scan_input {

class Source {
 public:
  virtual ~Source() = default;
  /// Up to `n` bytes; 0 at the end or on error (then error() is set).
  virtual std::size_t read(std::uint8_t* out, std::size_t n) = 0;
  /// Skips exactly `n` bytes; false when fewer remain or on error.
  virtual bool skip(std::uint64_t n) = 0;
  /// Bytes left, when known without reading them.
  virtual std::optional<std::uint64_t> remaining() const = 0;
  const std::string& error() const { return error_; }

 protected:
  std::string error_;
};

class MemorySource final : public Source {
 public:
  explicit MemorySource(std::span<const std::uint8_t> bytes) : bytes_(bytes) {}
  std::size_t read(std::uint8_t* out, std::size_t n) override {
    const std::size_t take = std::min<std::size_t>(n, bytes_.size() - pos_);
    if (take) std::memcpy(out, bytes_.data() + pos_, take);
    pos_ += take;
    return take;
  }
  bool skip(std::uint64_t n) override {
    if (n > bytes_.size() - pos_) return false;
    pos_ += static_cast<std::size_t>(n);
    return true;
  }
  std::optional<std::uint64_t> remaining() const override { return bytes_.size() - pos_; }

 private:
  std::span<const std::uint8_t> bytes_;
  std::size_t pos_ = 0;
};

/// Owns a read-only descriptor; values are skipped with lseek, never read.
class FileSource final : public Source {
 public:
  explicit FileSource(const std::filesystem::path& file) : fd_(::open(file.c_str(), O_RDONLY | O_CLOEXEC)) {
    struct stat st {};
    if (fd_ < 0 || ::fstat(fd_, &st) != 0) {
      error_ = "cannot open the received file";
    } else {
      size_ = static_cast<std::uint64_t>(st.st_size);
    }
  }
  ~FileSource() override {
    if (fd_ >= 0) ::close(fd_);
  }
  FileSource(const FileSource&) = delete;
  FileSource& operator=(const FileSource&) = delete;

  bool opened() const { return error_.empty(); }
  std::size_t read(std::uint8_t* out, std::size_t n) override {
    if (!opened()) return 0;
    for (;;) {
      const ssize_t got = ::read(fd_, out, n);
      if (got >= 0) {
        pos_ += static_cast<std::uint64_t>(got);
        return static_cast<std::size_t>(got);
      }
      if (errno != EINTR) {
        error_ = "cannot read the received file";
        return 0;
      }
    }
  }
  bool skip(std::uint64_t n) override {
    if (!opened() || n > size_ - pos_) return false;
    if (::lseek(fd_, static_cast<off_t>(pos_ + n), SEEK_SET) < 0) {
      error_ = "cannot seek in the received file";
      return false;
    }
    pos_ += n;
    return true;
  }
  std::optional<std::uint64_t> remaining() const override { return size_ - pos_; }

 private:
  int fd_ = -1;
  std::uint64_t size_ = 0;
  std::uint64_t pos_ = 0;
};

class Reader;

/// Raw deflate (RFC 1951, as the Deflated Explicit VR Little Endian syntax uses) over the
/// rest of another reader, capped so that a decompression bomb stops at `max_out` bytes.
class InflateSource final : public Source {
 public:
  InflateSource(Reader& in, std::uint64_t max_out);
  ~InflateSource() override {
    if (ready_) inflateEnd(&z_);
  }
  InflateSource(const InflateSource&) = delete;
  InflateSource& operator=(const InflateSource&) = delete;
  std::size_t read(std::uint8_t* out, std::size_t n) override;
  bool skip(std::uint64_t n) override {
    std::array<std::uint8_t, 16384> sink;
    while (n > 0) {
      const std::size_t got = read(sink.data(), static_cast<std::size_t>(std::min<std::uint64_t>(n, sink.size())));
      if (got == 0) return false;
      n -= got;
    }
    return true;
  }
  std::optional<std::uint64_t> remaining() const override { return std::nullopt; }

 private:
  Reader& in_;
  z_stream z_{};
  bool ready_ = false;
  bool finished_ = false;
  std::uint64_t produced_ = 0;
  std::uint64_t max_out_;
  std::array<std::uint8_t, 16384> input_{};
};

/// A 64 KiB window over a source; tracks the absolute offset for reasons and bounds.
class Reader {
 public:
  // The window is left uninitialized: zeroing 64 KiB cost more than the whole walk of a small
  // instance (two thirds of the scanner's instructions, measured with callgrind, #21).
  explicit Reader(Source& source)
      : source_(source), buffer_(std::make_unique_for_overwrite<std::uint8_t[]>(kWindow)) {}

  std::uint64_t position() const { return position_; }
  const std::string& error() const { return source_.error(); }

  bool read(std::uint8_t* out, std::size_t n) {
    while (n > 0) {
      if (begin_ == end_ && !fill()) return false;
      const std::size_t take = std::min(n, end_ - begin_);
      std::memcpy(out, buffer_.get() + begin_, take);
      begin_ += take;
      position_ += take;
      out += take;
      n -= take;
    }
    return true;
  }

  /// The next `n` (≤ 16) bytes without consuming them; false when fewer remain.
  bool peek(std::uint8_t* out, std::size_t n) {
    if (end_ - begin_ < n) {
      std::memmove(buffer_.get(), buffer_.get() + begin_, end_ - begin_);
      end_ -= begin_;
      begin_ = 0;
      while (end_ < n) {
        const std::size_t got = source_.read(buffer_.get() + end_, kWindow - end_);
        if (got == 0) return false;
        end_ += got;
      }
    }
    std::memcpy(out, buffer_.get() + begin_, n);
    return true;
  }

  bool skip(std::uint64_t n) {
    const std::size_t buffered = std::min<std::uint64_t>(n, end_ - begin_);
    begin_ += buffered;
    position_ += buffered;
    n -= buffered;
    if (n == 0) return true;
    if (!source_.skip(n)) return false;
    position_ += n;
    return true;
  }

  bool at_end() {
    if (begin_ != end_) return false;
    return !fill();
  }

  /// Bytes left, when the source knows without reading.
  std::optional<std::uint64_t> remaining() const {
    const auto rest = source_.remaining();
    if (!rest) return std::nullopt;
    return *rest + (end_ - begin_);
  }

  /// Hands the unread buffered bytes to `out` first (for the inflater taking over).
  std::size_t read_some(std::uint8_t* out, std::size_t n) {
    if (begin_ == end_ && !fill()) return 0;
    const std::size_t take = std::min(n, end_ - begin_);
    std::memcpy(out, buffer_.get() + begin_, take);
    begin_ += take;
    position_ += take;
    return take;
  }

 private:
  bool fill() {
    begin_ = 0;
    end_ = source_.read(buffer_.get(), kWindow);
    return end_ > 0;
  }

  Source& source_;
  static constexpr std::size_t kWindow = 64 * 1024;
  std::unique_ptr<std::uint8_t[]> buffer_;
  std::size_t begin_ = 0;
  std::size_t end_ = 0;
  std::uint64_t position_ = 0;
};

}  // namespace gw::dicom::scan_input
