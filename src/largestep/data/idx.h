// IDX files, the format of MNIST and Fashion-MNIST: a big-endian header (magic 0x0000TTDD, T the
// element type, 0x08 for unsigned bytes, D the number of dimensions; then D 32-bit sizes), then the
// elements. Read gzip-compressed or plain (zlib passes plain data through), streamed: an image file
// is never held whole in memory, so a caller keeps only the images it selects.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace largestep {

// The labels of a label file (magic 0x00000801: one dimension, unsigned bytes), in file order.
// Throws DataError naming the file for a wrong magic number, a stream that ends before the count
// in the header, trailing bytes after it, or corrupt gzip data.
std::vector<std::uint8_t> read_idx_labels(const std::string& path);

struct IdxImageShape {
  std::int64_t count = 0;  // images in the file
  std::int64_t rows = 0;   // pixels per column
  std::int64_t cols = 0;   // pixels per row
  std::int64_t pixels() const { return rows * cols; }
};

// Streams an image file (magic 0x00000803: three dimensions count x rows x cols, unsigned bytes):
// calls start(shape) once after the header, then visit(i, pixels) for i = 0 .. count - 1 in file
// order, `pixels` pointing to shape.pixels() bytes (row by row) valid during the call. Throws
// DataError naming the file for a wrong magic number, an image of zero pixels, a file shorter or
// longer than its header announces, or corrupt gzip data.
IdxImageShape read_idx_images(const std::string& path,
                              const std::function<void(const IdxImageShape&)>& start,
                              const std::function<void(std::int64_t, const std::uint8_t*)>& visit);

}  // namespace largestep
