#include "largestep/data/idx.h"

#include <fmt/format.h>
#include <zlib.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <limits>

#include "largestep/kernel/dataset.h"

namespace largestep {
namespace {

constexpr std::uint32_t kLabelMagic = 0x00000801;  // unsigned bytes, one dimension
constexpr std::uint32_t kImageMagic = 0x00000803;  // unsigned bytes, three dimensions

// A gzip (or plain) file read in blocks; every failure is a DataError naming the file.
class GzReader {
 public:
  explicit GzReader(std::string path) : path_(std::move(path)) {
    std::error_code ec;
    if (std::filesystem::is_directory(path_, ec))
      throw DataError(fmt::format("{}: cannot read: is a directory", path_));
    file_ = gzopen(path_.c_str(), "rb");
    if (file_ == nullptr) throw DataError(fmt::format("{}: cannot open file", path_));
    gzbuffer(file_, 1 << 17);
  }
  ~GzReader() {
    if (file_ != nullptr) gzclose(file_);
  }
  GzReader(const GzReader&) = delete;
  GzReader& operator=(const GzReader&) = delete;

  const std::string& path() const { return path_; }

  // Reads up to `size` bytes; fewer only at the end of the data.
  std::size_t read(std::uint8_t* out, std::size_t size) {
    std::size_t total = 0;
    while (total < size) {
      const auto chunk = static_cast<unsigned>(
          std::min<std::size_t>(size - total, std::numeric_limits<int>::max() / 2));
      const int got = gzread(file_, out + total, chunk);
      if (got < 0) corrupt();
      if (got == 0) break;
      total += static_cast<std::size_t>(got);
    }
    return total;
  }

  // Whether any data is left (one more byte can be read).
  bool has_more() {
    std::uint8_t byte = 0;
    return read(&byte, 1) == 1;
  }

  // Checks the end of the gzip stream: a stream cut short reads like a shorter file, and only
  // gzerror or gzclose tell (Z_BUF_ERROR).
  void close() {
    int code = Z_OK;
    const std::string message = gzerror(file_, &code);
    const int closed = gzclose(file_);
    file_ = nullptr;
    if ((code != Z_OK && code != Z_STREAM_END) || closed != Z_OK)
      throw DataError(
          fmt::format("{}: corrupt or truncated gzip data ({})", path_,
                      closed == Z_BUF_ERROR ? "unexpected end of the gzip stream" : message));
  }

 private:
  [[noreturn]] void corrupt() {
    int code = Z_OK;
    const std::string message = gzerror(file_, &code);
    throw DataError(fmt::format("{}: corrupt or truncated gzip data ({})", path_, message));
  }

  std::string path_;
  gzFile file_ = nullptr;
};

std::uint32_t big_endian(const std::uint8_t* bytes) {
  return (std::uint32_t{bytes[0]} << 24) | (std::uint32_t{bytes[1]} << 16) |
         (std::uint32_t{bytes[2]} << 8) | std::uint32_t{bytes[3]};
}

// The magic number and the `dims` sizes after it.
std::vector<std::int64_t> read_header(GzReader& in, std::uint32_t magic, std::size_t dims,
                                      std::string_view what) {
  std::array<std::uint8_t, 16> header{};
  const std::size_t size = 4 * (dims + 1);
  const std::size_t got = in.read(header.data(), size);
  if (got < 4)
    throw DataError(
        fmt::format("{}: truncated: {} bytes, shorter than an IDX header", in.path(), got));
  const std::uint32_t found = big_endian(header.data());
  if (found != magic)
    throw DataError(fmt::format("{}: wrong magic number 0x{:08x} (an IDX {} file has 0x{:08x})",
                                in.path(), found, what, magic));
  if (got < size)
    throw DataError(fmt::format("{}: truncated: the header ends after {} of its {} bytes",
                                in.path(), got, size));
  std::vector<std::int64_t> sizes;
  for (std::size_t k = 0; k < dims; ++k) sizes.push_back(big_endian(header.data() + 4 * (k + 1)));
  return sizes;
}

void expect_end(GzReader& in, std::int64_t count, std::string_view items) {
  if (in.has_more())
    throw DataError(fmt::format("{}: trailing data after the {} {} its header announces", in.path(),
                                count, items));
  in.close();
}

}  // namespace

std::vector<std::uint8_t> read_idx_labels(const std::string& path) {
  GzReader in(path);
  const std::int64_t count = read_header(in, kLabelMagic, 1, "label")[0];
  // Grown block by block, so that a damaged header announcing billions of labels in a short file
  // is reported as truncated, not as a failed allocation.
  std::vector<std::uint8_t> labels;
  constexpr std::int64_t kBlock = 1 << 16;
  for (std::int64_t have = 0; have < count;) {
    const std::int64_t want = std::min(kBlock, count - have);
    labels.resize(static_cast<std::size_t>(have + want));
    const std::size_t got = in.read(labels.data() + have, static_cast<std::size_t>(want));
    have += static_cast<std::int64_t>(got);
    if (static_cast<std::int64_t>(got) < want)
      throw DataError(fmt::format("{}: truncated: the header announces {} labels, the file has {}",
                                  path, count, have));
  }
  expect_end(in, count, "labels");
  return labels;
}

IdxImageShape read_idx_images(const std::string& path,
                              const std::function<void(const IdxImageShape&)>& start,
                              const std::function<void(std::int64_t, const std::uint8_t*)>& visit) {
  GzReader in(path);
  const std::vector<std::int64_t> sizes = read_header(in, kImageMagic, 3, "image");
  const IdxImageShape shape{sizes[0], sizes[1], sizes[2]};
  if (shape.pixels() == 0)
    throw DataError(
        fmt::format("{}: images of {} x {} pixels: no pixels", path, shape.rows, shape.cols));
  constexpr std::int64_t kMaxPixels = std::int64_t{1} << 28;  // a damaged header, not an image
  if (shape.rows > kMaxPixels || shape.cols > kMaxPixels || shape.pixels() > kMaxPixels)
    throw DataError(fmt::format("{}: images of {} x {} pixels: more than 2^28 pixels each", path,
                                shape.rows, shape.cols));
  start(shape);
  // Blocks of whole images, about 1 MiB: few zlib calls, little memory.
  const auto pixels = static_cast<std::size_t>(shape.pixels());
  const std::size_t per_block = std::max<std::size_t>(1, (std::size_t{1} << 20) / pixels);
  std::vector<std::uint8_t> block(per_block * pixels);
  for (std::int64_t first = 0; first < shape.count;) {
    const auto images =
        static_cast<std::size_t>(std::min<std::int64_t>(shape.count - first, per_block));
    const std::size_t got = in.read(block.data(), images * pixels);
    if (got < images * pixels)
      throw DataError(fmt::format(
          "{}: truncated: the header announces {} images of {} x {} pixels, the file ends in "
          "image {}",
          path, shape.count, shape.rows, shape.cols,
          first + static_cast<std::int64_t>(got / pixels) + 1));
    for (std::size_t k = 0; k < images; ++k)
      visit(first + static_cast<std::int64_t>(k), block.data() + k * pixels);
    first += static_cast<std::int64_t>(images);
  }
  expect_end(in, shape.count, "images");
  return shape;
}

}  // namespace largestep
