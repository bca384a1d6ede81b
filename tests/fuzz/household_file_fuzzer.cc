// The CLI's household-file reader (client/verify.cc: ParseRequestFile and
// BuildVerifyRequest, from the hedui binary's library): any file is refused
// with INVALID_ARGUMENT naming the file and quoting no resident ID from it, or
// read; a request read, printed back in the same format, reads back equal; one
// that `hedui verify --household` would send names a program and members with
// valid resident IDs.
//
// Input: byte 0 picks the file name (bit 0: .json or .textproto; bit 1: the
// extension in capitals), the rest is the file (seeds: hedui-datagen's
// requests, tests/fuzz/make_seeds.sh).
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "client/verify.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/message_differencer.h"
#include "hedui/v1/verification.pb.h"
#include "storage/types/resident_id.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

using hedui::v1::VerificationRequest;

void CheckRefusal(const absl::Status& status, absl::string_view path,
                  absl::string_view text) {
  HEDUI_FUZZ_CHECK(status.code() == absl::StatusCode::kInvalidArgument,
                   status.ToString());
  HEDUI_FUZZ_CHECK(absl::StrContains(status.message(), path) ||
                       absl::StartsWith(status.message(), "--"),
                   status.ToString());
  const std::string leaked =
      hedui::fuzz::LeakedResidentId(status.message(), text);
  HEDUI_FUZZ_CHECK(leaked.empty(), status.ToString());
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  hedui::fuzz::QuietProtobuf();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const bool json = (data[0] & 1) != 0;
  std::string extension = json ? ".json" : ".textproto";
  if ((data[0] & 2) != 0) extension = json ? ".JSON" : ".TXTPB";
  const std::string path = "household" + extension;
  const absl::string_view text(reinterpret_cast<const char*>(data) + 1,
                               size - 1);

  const absl::StatusOr<VerificationRequest> request =
      hedui::cli::ParseRequestFile(path, text);
  if (!request.ok()) {
    CheckRefusal(request.status(), path, text);
    return 0;
  }

  std::string printed;
  if (json) {
    HEDUI_FUZZ_CHECK(
        google::protobuf::util::MessageToJsonString(*request, &printed).ok(),
        request->DebugString());
  } else {
    HEDUI_FUZZ_CHECK(
        google::protobuf::TextFormat::PrintToString(*request, &printed),
        request->DebugString());
  }
  const absl::StatusOr<VerificationRequest> again =
      hedui::cli::ParseRequestFile(path, printed);
  HEDUI_FUZZ_CHECK(again.ok(),
                   absl::StrCat(again.status().ToString(), "\n", printed));
  HEDUI_FUZZ_CHECK(
      google::protobuf::util::MessageDifferencer::Equals(*request, *again),
      printed);

  // The whole `--household FILE` path, from a real file.
  static const std::string dir =
      absl::StrCat(access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp",
                   "/hedui_fuzz_household_", getpid());
  static const bool made = [] {
    return std::system(("mkdir -p " + dir).c_str()) == 0;
  }();
  if (!made) return 0;
  const std::string file = dir + "/" + path;
  {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
  }
  hedui::cli::VerifyOptions options;
  options.household = file;
  const absl::StatusOr<VerificationRequest> built =
      hedui::cli::BuildVerifyRequest(options);
  if (!built.ok()) {
    CheckRefusal(built.status(), path, text);
    return 0;
  }
  HEDUI_FUZZ_CHECK(
      google::protobuf::util::MessageDifferencer::Equals(*request, *built),
      "the file read differently from a path");
  HEDUI_FUZZ_CHECK(built->program() != hedui::v1::PROGRAM_UNSPECIFIED,
                   built->DebugString());
  HEDUI_FUZZ_CHECK(built->members_size() > 0, built->DebugString());
  for (const auto& m : built->members()) {
    HEDUI_FUZZ_CHECK(hedui::ValidateResidentId(m.person_id()).ok(),
                     "a member with an invalid resident ID is sent");
  }
  return 0;
}
