#include "tests/datagen/gb18030.h"

#include <iconv.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <vector>

#include "absl/strings/str_cat.h"

namespace hedui::datagen {
namespace {

struct FileCloser {
  void operator()(FILE* f) const {
    if (f != nullptr) std::fclose(f);
  }
};
using File = std::unique_ptr<FILE, FileCloser>;

}  // namespace

absl::Status ConvertUtf8FileToGb18030(const std::string& from,
                                      const std::string& to) {
  File in(std::fopen(from.c_str(), "rb"));
  if (!in) return absl::UnavailableError(absl::StrCat("cannot read ", from));
  File out(std::fopen(to.c_str(), "wb"));
  if (!out) return absl::UnavailableError(absl::StrCat("cannot create ", to));
  iconv_t cd = iconv_open("GB18030", "UTF-8");
  if (cd == reinterpret_cast<iconv_t>(-1)) {
    return absl::UnavailableError("iconv has no UTF-8 to GB18030 converter");
  }
  std::vector<char> input(1 << 20);
  std::vector<char> output(2 * input.size() + 16);
  size_t carried = 0;  // bytes of a character split across two reads
  absl::Status status;
  while (status.ok()) {
    const size_t got =
        std::fread(input.data() + carried, 1, input.size() - carried, in.get());
    if (got == 0 && carried == 0) break;
    char* src = input.data();
    size_t src_left = carried + got;
    char* dst = output.data();
    size_t dst_left = output.size();
    if (iconv(cd, &src, &src_left, &dst, &dst_left) ==
            static_cast<size_t>(-1) &&
        (errno != EINVAL || got == 0)) {
      status = absl::InvalidArgumentError(absl::StrCat(
          "cannot encode ", from, " as GB18030: ", std::strerror(errno)));
      break;
    }
    const size_t produced = output.size() - dst_left;
    if (std::fwrite(output.data(), 1, produced, out.get()) != produced) {
      status = absl::UnavailableError(absl::StrCat("cannot write ", to));
    }
    std::memmove(input.data(), src, src_left);
    carried = src_left;
  }
  iconv_close(cd);
  if (status.ok() && std::fclose(out.release()) != 0) {
    status = absl::UnavailableError(absl::StrCat("cannot close ", to));
  }
  return status;
}

}  // namespace hedui::datagen
