#include "client/file_source.h"

#include <string>
#include <vector>

#include "client/test_files.h"
#include "gtest/gtest.h"

namespace hedui::cli {
namespace {

using ::hedui::cli::testing::WriteTempFile;

// `echo -n abc | sha256sum` and `sha256sum < /dev/null`.
constexpr char kSha256Abc[] =
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
constexpr char kSha256Empty[] =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

std::vector<std::string> ReadAll(ChunkReader& reader) {
  std::vector<std::string> chunks;
  std::string chunk;
  while (true) {
    absl::StatusOr<bool> more = reader.Next(&chunk);
    EXPECT_TRUE(more.ok()) << more.status();
    if (!more.ok() || !*more) break;
    chunks.push_back(chunk);
  }
  EXPECT_TRUE(chunk.empty());
  return chunks;
}

TEST(Sha256Test, FileHashMatchesSha256sum) {
  const std::string path = WriteTempFile("abc.csv", "abc");
  absl::StatusOr<std::string> hex = Sha256FileHex(path);
  ASSERT_TRUE(hex.ok()) << hex.status();
  EXPECT_EQ(*hex, kSha256Abc);
}

TEST(Sha256Test, EmptyFile) {
  absl::StatusOr<std::string> hex =
      Sha256FileHex(WriteTempFile("empty.csv", ""));
  ASSERT_TRUE(hex.ok()) << hex.status();
  EXPECT_EQ(*hex, kSha256Empty);
}

TEST(Sha256Test, IncrementalEqualsOneShot) {
  Sha256 sha;
  sha.Update("a");
  sha.Update("");
  sha.Update("bc");
  absl::StatusOr<std::string> hex = sha.HexDigest();
  ASSERT_TRUE(hex.ok());
  EXPECT_EQ(*hex, kSha256Abc);
}

TEST(Sha256Test, LargeFileAcrossChunks) {
  // Same content hashed in 1 MiB chunks and in one piece.
  const std::string content = testing::CsvOfSize(3 * kIngestChunkBytes + 17);
  Sha256 whole;
  whole.Update(content);
  absl::StatusOr<std::string> expected = whole.HexDigest();
  ASSERT_TRUE(expected.ok());
  absl::StatusOr<std::string> hex =
      Sha256FileHex(WriteTempFile("big.csv", content));
  ASSERT_TRUE(hex.ok()) << hex.status();
  EXPECT_EQ(*hex, *expected);
}

TEST(ChunkReaderTest, ExactChunksThenPartialLast) {
  std::string content(2 * kIngestChunkBytes + kIngestChunkBytes / 2, '\0');
  for (size_t i = 0; i < content.size(); ++i) {
    content[i] = static_cast<char>('a' + i % 26);
  }
  auto reader = ChunkReader::Open(WriteTempFile("f.csv", content));
  ASSERT_TRUE(reader.ok()) << reader.status();
  EXPECT_EQ((*reader)->size(), static_cast<int64_t>(content.size()));
  const std::vector<std::string> chunks = ReadAll(**reader);
  ASSERT_EQ(chunks.size(), 3u);
  EXPECT_EQ(chunks[0].size(), kIngestChunkBytes);
  EXPECT_EQ(chunks[1].size(), kIngestChunkBytes);
  EXPECT_EQ(chunks[2].size(), kIngestChunkBytes / 2);
  EXPECT_EQ(chunks[0] + chunks[1] + chunks[2], content);
}

TEST(ChunkReaderTest, ExactMultipleHasNoEmptyLastChunk) {
  const std::string content(2 * kIngestChunkBytes, 'x');
  auto reader = ChunkReader::Open(WriteTempFile("f.csv", content));
  ASSERT_TRUE(reader.ok()) << reader.status();
  const std::vector<std::string> chunks = ReadAll(**reader);
  ASSERT_EQ(chunks.size(), 2u);
  EXPECT_EQ(chunks[0].size(), kIngestChunkBytes);
  EXPECT_EQ(chunks[1].size(), kIngestChunkBytes);
}

TEST(ChunkReaderTest, EmptyFileHasNoChunks) {
  auto reader = ChunkReader::Open(WriteTempFile("f.csv", ""));
  ASSERT_TRUE(reader.ok()) << reader.status();
  EXPECT_TRUE(ReadAll(**reader).empty());
}

TEST(ChunkReaderTest, SmallChunkSizeAndRewind) {
  auto reader = ChunkReader::Open(WriteTempFile("f.csv", "0123456789"), 4);
  ASSERT_TRUE(reader.ok()) << reader.status();
  EXPECT_EQ(ReadAll(**reader),
            (std::vector<std::string>{"0123", "4567", "89"}));
  ASSERT_TRUE((*reader)->Rewind().ok());
  EXPECT_EQ(ReadAll(**reader),
            (std::vector<std::string>{"0123", "4567", "89"}));
}

TEST(ChunkReaderTest, MissingFileNamesThePath) {
  const std::string path = ::testing::TempDir() + "hedui_cli_no_such_file.csv";
  auto reader = ChunkReader::Open(path);
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(reader.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(reader.status().message().find(path), std::string::npos);
  EXPECT_NE(reader.status().message().find("No such file"), std::string::npos);
}

TEST(ChunkReaderTest, DirectoryIsRejected) {
  auto reader = ChunkReader::Open(::testing::TempDir());
  ASSERT_FALSE(reader.ok());
  EXPECT_NE(reader.status().message().find("not a regular file"),
            std::string::npos);
}

}  // namespace
}  // namespace hedui::cli
