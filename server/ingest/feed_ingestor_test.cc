#include "server/ingest/feed_ingestor.h"

#include <filesystem>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gtest/gtest.h"
#include "server/errors/error_details.h"
#include "server/service/request_bounds.h"
#include "storage/testing/sync_counting_env.h"
#include "storage/types/civil_date.h"
#include "storage/types/resident_id.h"

namespace hedui::server {
namespace {

std::string PersonId(int n) {
  const std::string first17 = absl::StrFormat("32058219750615%03d", n % 1000);
  return first17 + ResidentIdCheckCharacter(first17);
}

constexpr char kTaxHeader[] =
    "person_id,period,income_type,amount_yuan,payer,pay_date\n";

std::string TaxFile(int persons, const std::string& amount = "3500.00") {
  std::string file = kTaxHeader;
  for (int p = 0; p < persons; ++p) {
    absl::StrAppend(&file, PersonId(p), ",2026-09,WAGE,", amount,
                    ",91320581MA1XXXXX0A,2026-10-15\n");
  }
  return file;
}

// The server's today in these tests, whatever the machine's clock says.
constexpr absl::CivilDay kToday(2026, 11, 30);

IngestLimits Limits() {
  IngestLimits limits;
  limits.today = [] { return kToday; };
  return limits;
}

hedui::v1::IngestHeader Header(const std::string& batch, bool delta = false,
                               absl::CivilDay as_of = absl::CivilDay(2026, 10,
                                                                     31)) {
  hedui::v1::IngestHeader header;
  header.set_department(hedui::v1::TAX);
  *header.mutable_as_of() = ToProto(as_of);
  header.set_batch_id(batch);
  header.set_delta(delta);
  header.set_encoding(hedui::v1::UTF8);
  return header;
}

// IngestHeader.hold keeps the file, a preview keeps nothing: not both.
hedui::v1::IngestHeader HoldAndPreview() {
  hedui::v1::IngestHeader header = Header("x");
  header.set_hold(true);
  header.set_preview(true);
  return header;
}

class FeedIngestorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ =
        std::filesystem::path(::testing::TempDir()) /
        absl::StrCat(
            "ingestor_test_", getpid(), "_",
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(path_);
    storage::StoreOptions options;
    options.path = path_.string();
    options.block_cache_bytes = 8 << 20;
    options.env = counting_.env.get();
    store_ = *storage::Store::Open(options);
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(path_);
  }

  // Sends `file` in chunks of `chunk` bytes.
  absl::StatusOr<hedui::v1::IngestResponse> Ingest(
      const hedui::v1::IngestHeader& header, const std::string& file,
      size_t chunk = 7) {
    auto ingestor = FeedIngestor::Start(store_.get(), header, Limits());
    if (!ingestor.ok()) return ingestor.status();
    for (size_t i = 0; i < file.size(); i += chunk) {
      if (absl::Status s = (*ingestor)->Consume(file.substr(i, chunk));
          !s.ok()) {
        return s;
      }
    }
    return (*ingestor)->Finish();
  }

  // The department's current as-of date, read from the store.
  absl::CivilDay CurrentAsOf(hedui::v1::Department department) {
    const auto departments = store_->ListDepartments();
    if (!departments.ok()) return absl::CivilDay();
    for (const auto& state : *departments) {
      if (state.department() == department) {
        return *FromProto(state.current().as_of(), "as_of");
      }
    }
    return absl::CivilDay();
  }

  storage::testing::SyncCountingEnv counting_;
  std::filesystem::path path_;
  std::unique_ptr<storage::Store> store_;
};

TEST_F(FeedIngestorTest, AppliesAValidFileSentInOddChunks) {
  auto response = Ingest(Header("b1"), TaxFile(5));
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->rows(), 5);
  EXPECT_EQ(response->rows_now_current(), 5);
  EXPECT_EQ(response->generation(), 1u);
  EXPECT_FALSE(response->already_applied());
  auto read = store_->ReadPersons({PersonId(3)});
  ASSERT_EQ(read->persons(0).tax_size(), 1);
  EXPECT_EQ(read->persons(0).tax(0).amount_fen(), 350000);
}

TEST_F(FeedIngestorTest, AcknowledgementComesAfterASyncedWrite) {
  const int64_t before = counting_.fs->wal_syncs();
  ASSERT_TRUE(Ingest(Header("b1"), TaxFile(3)).ok());
  EXPECT_GT(counting_.fs->wal_syncs(), before);
  const int64_t after_full = counting_.fs->wal_syncs();
  std::string delta = absl::StrCat("op,", kTaxHeader, "upsert,", PersonId(9),
                                   ",2026-09,WAGE,1.00,P,2026-10-15\n");
  ASSERT_TRUE(Ingest(Header("d1", /*delta=*/true), delta).ok());
  EXPECT_GT(counting_.fs->wal_syncs(), after_full);
}

TEST_F(FeedIngestorTest, ABadRowRejectsTheWholeFileAndWritesNothing) {
  std::string file = TaxFile(4);
  absl::StrAppend(&file, PersonId(7), ",2026-09,WAGE,-5.00,P,2026-10-15\n");
  auto response = Ingest(Header("bad"), file);
  ASSERT_EQ(response.status().code(), absl::StatusCode::kInvalidArgument);
  auto details = GetErrorDetails(response.status());
  ASSERT_TRUE(details.has_value());
  ASSERT_GE(details->field_violations_size(), 1);
  EXPECT_EQ(details->field_violations(0).line(), 6);
  EXPECT_EQ(details->field_violations(0).field(), "amount_yuan");
  EXPECT_EQ(details->field_violations(0).column(), 4);
  EXPECT_NE(response.status().message().find("nothing was written"),
            std::string::npos);
  EXPECT_TRUE(store_->ListDepartments()->empty());
  EXPECT_FALSE(store_->FindBatch(hedui::v1::TAX, "bad")->has_value());
}

TEST_F(FeedIngestorTest, DuplicateKeysNameBothLines) {
  std::string file = TaxFile(3);
  absl::StrAppend(&file, PersonId(1),
                  ",2026-09,WAGE,9.00,91320581MA1XXXXX0A,"
                  "2026-10-15\n");
  auto response = Ingest(Header("dup"), file);
  ASSERT_EQ(response.status().code(), absl::StatusCode::kInvalidArgument);
  auto details = GetErrorDetails(response.status());
  ASSERT_EQ(details->field_violations_size(), 1);
  EXPECT_EQ(details->field_violations(0).line(), 5);
  EXPECT_NE(details->field_violations(0).description().find("line 3"),
            std::string::npos);
  EXPECT_TRUE(store_->ListDepartments()->empty());
}

TEST_F(FeedIngestorTest, ResendingABatchIsANoOp) {
  ASSERT_TRUE(Ingest(Header("once"), TaxFile(4)).ok());
  auto again = Ingest(Header("once"), TaxFile(4, "1.00"));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->already_applied());
  EXPECT_EQ(again->generation(), 1u);
  EXPECT_EQ(store_->ReadPersons({PersonId(0)})->persons(0).tax(0).amount_fen(),
            350000);
}

TEST_F(FeedIngestorTest, HeaderErrorsNameTheField) {
  hedui::v1::IngestHeader no_department = Header("x");
  no_department.clear_department();
  hedui::v1::IngestHeader bad_date = Header("x");
  bad_date.mutable_as_of()->set_day(31);
  bad_date.mutable_as_of()->set_month(2);
  hedui::v1::IngestHeader spaced_batch = Header("a b");
  for (const auto& [header, field] :
       std::vector<std::pair<hedui::v1::IngestHeader, std::string>>{
           {no_department, "header.department"},
           {bad_date, "header.as_of"},
           {spaced_batch, "header.batch_id"},
           {HoldAndPreview(), "header.hold"}}) {
    auto started = FeedIngestor::Start(store_.get(), header, Limits());
    ASSERT_FALSE(started.ok());
    EXPECT_EQ(started.status().code(), absl::StatusCode::kInvalidArgument);
    auto details = GetErrorDetails(started.status());
    ASSERT_TRUE(details.has_value());
    EXPECT_EQ(details->field_violations(0).field(), field);
  }
}

TEST_F(FeedIngestorTest, BatchIdMayFollowTheFile) {
  auto ingestor = *FeedIngestor::Start(store_.get(), Header(""), Limits());
  ASSERT_TRUE(ingestor->Consume(TaxFile(3)).ok());
  EXPECT_EQ(ingestor->SetBatchId("a b").code(),
            absl::StatusCode::kInvalidArgument);
  ASSERT_TRUE(ingestor->SetBatchId("late-id").ok());
  auto response = ingestor->Finish();
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->batch_id(), "late-id");
  EXPECT_TRUE(store_->FindBatch(hedui::v1::TAX, "late-id")->has_value());

  // Without an id anywhere: refused, nothing written.
  auto anonymous = *FeedIngestor::Start(store_.get(), Header(""), Limits());
  ASSERT_TRUE(anonymous->Consume(TaxFile(4)).ok());
  auto refused = anonymous->Finish();
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(GetErrorDetails(refused.status())->field_violations(0).field(),
            "batch_id");
  EXPECT_EQ(store_->ListDepartments()->at(0).current().rows(), 3);

  // An id in the header cannot be given again.
  auto twice = *FeedIngestor::Start(store_.get(), Header("h"), Limits());
  EXPECT_EQ(twice->SetBatchId("t").code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(FeedIngestorTest, OversizedFeedIsRefused) {
  IngestLimits limits = Limits();
  limits.max_feed_bytes = 100;
  auto ingestor = *FeedIngestor::Start(store_.get(), Header("big"), limits);
  EXPECT_EQ(ingestor->Consume(TaxFile(10)).code(),
            absl::StatusCode::kResourceExhausted);
}

// Sends `prefix`, then chunks of `chunk` bytes that never hold a "\n", until
// the ingestor refuses or `give_up` bytes were sent. Returns the refusal
// and, in *consumed, the bytes the ingestor took, the refused chunk
// included.
absl::Status SendWithoutLineEnds(FeedIngestor* ingestor,
                                 const std::string& prefix, size_t chunk,
                                 size_t give_up, size_t* consumed) {
  *consumed = 0;
  if (absl::Status s = ingestor->Consume(prefix); !s.ok()) return s;
  *consumed += prefix.size();
  std::string piece;
  for (size_t i = 0; i < chunk; ++i) piece.push_back(i % 2 ? '\r' : 'a');
  while (*consumed < give_up) {
    *consumed += piece.size();
    if (absl::Status s = ingestor->Consume(piece); !s.ok()) return s;
  }
  return absl::OkStatus();
}

TEST_F(FeedIngestorTest, AFileWithoutLineEndsIsRefusedWhileItArrives) {
  // 64 KiB, the documented limit (deploy/feeds/README.md).
  constexpr size_t kLimit = 65536;
  constexpr size_t kChunk = 8192;
  auto ingestor = *FeedIngestor::Start(store_.get(), Header("cr"), Limits());
  size_t consumed = 0;
  const absl::Status refused = SendWithoutLineEnds(
      ingestor.get(), "", kChunk, /*give_up=*/64 * kLimit, &consumed);
  ASSERT_EQ(refused.code(), absl::StatusCode::kInvalidArgument) << refused;
  EXPECT_LE(consumed, kLimit + kChunk);
  EXPECT_NE(refused.message().find("line 1"), std::string::npos) << refused;
  EXPECT_NE(refused.message().find("65536 bytes"), std::string::npos);
  EXPECT_NE(refused.message().find("nothing was written"), std::string::npos);
  auto details = GetErrorDetails(refused);
  ASSERT_TRUE(details.has_value());
  EXPECT_EQ(details->field_violations(0).line(), 1);
  // Later bytes and the end of the stream get the same answer.
  EXPECT_EQ(ingestor->Consume("more\n").code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ingestor->Finish().status(), refused);
  EXPECT_TRUE(store_->ListDepartments()->empty());
  EXPECT_FALSE(store_->FindBatch(hedui::v1::TAX, "cr")->has_value());
}

TEST_F(FeedIngestorTest, ALongLineAfterGoodRowsIsRefusedNamingItsLine) {
  constexpr size_t kLimit = 65536;
  constexpr size_t kChunk = 1000;
  auto ingestor = *FeedIngestor::Start(store_.get(), Header("long"), Limits());
  const std::string rows = TaxFile(3);  // lines 1-4
  size_t consumed = 0;
  const absl::Status refused = SendWithoutLineEnds(
      ingestor.get(), rows, kChunk, /*give_up=*/16 * kLimit, &consumed);
  ASSERT_EQ(refused.code(), absl::StatusCode::kInvalidArgument) << refused;
  EXPECT_LE(consumed, rows.size() + kLimit + kChunk);
  EXPECT_NE(refused.message().find("line 5"), std::string::npos) << refused;
  EXPECT_NE(refused.message().find("65536 bytes"), std::string::npos);
  EXPECT_TRUE(store_->ListDepartments()->empty());
}

TEST_F(FeedIngestorTest, ALineJustUnderTheLimitIsNotRefusedForItsLength) {
  // A 65536-byte line with CRLF: within the limit, so the file fails only on
  // the row's content, at Finish.
  auto ingestor = *FeedIngestor::Start(store_.get(), Header("edge"), Limits());
  std::string file = TaxFile(1);
  file += std::string(65536, 'a') + "\r\n";
  for (size_t i = 0; i < file.size(); i += 4096) {
    ASSERT_TRUE(ingestor->Consume(file.substr(i, 4096)).ok());
  }
  const auto finished = ingestor->Finish();
  ASSERT_EQ(finished.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(finished.status().message().find("65536 bytes"), std::string::npos)
      << finished.status();
}

// The field an INVALID_ARGUMENT names, or "" when it names none.
std::string ViolatedField(const absl::Status& status) {
  if (status.code() != absl::StatusCode::kInvalidArgument) return "";
  auto details = GetErrorDetails(status);
  if (!details.has_value() || details->field_violations_size() == 0) {
    return "";
  }
  return details->field_violations(0).field();
}

TEST_F(FeedIngestorTest, AsOfTodayIsAcceptedAndTomorrowRefused) {
  auto today = Ingest(Header("today", false, kToday), TaxFile(3));
  ASSERT_TRUE(today.ok()) << today.status();
  for (bool delta : {false, true}) {
    const std::string file =
        delta ? absl::StrCat("op,", kTaxHeader, "upsert,", PersonId(9),
                             ",2026-09,WAGE,1.00,P,2026-10-15\n")
              : TaxFile(3);
    auto tomorrow =
        Ingest(Header(delta ? "d+1" : "f+1", delta, kToday + 1), file);
    EXPECT_EQ(ViolatedField(tomorrow.status()), "header.as_of")
        << tomorrow.status();
    EXPECT_NE(tomorrow.status().message().find("after today"),
              std::string::npos);
    EXPECT_NE(tomorrow.status().message().find("2026-11-30"),
              std::string::npos);
  }
  // The late-id path sees the same rule: it is checked at the start.
  EXPECT_EQ(
      ViolatedField(FeedIngestor::Start(store_.get(),
                                        Header("", false, kToday + 1), Limits())
                        .status()),
      "header.as_of");
  EXPECT_EQ(CurrentAsOf(hedui::v1::TAX), kToday);
  EXPECT_EQ(store_->ListDepartments()->at(0).current().generation(), 1u);
}

TEST_F(FeedIngestorTest, ADeltaIsNotOlderThanTheCurrentData) {
  const absl::CivilDay current(2026, 11, 10);
  ASSERT_TRUE(Ingest(Header("full", false, current), TaxFile(4)).ok());
  const std::string delta =
      absl::StrCat("op,", kTaxHeader, "upsert,", PersonId(1),
                   ",2026-09,WAGE,1.00,"
                   "91320581MA1XXXXX0A,2026-10-15\n");
  // One day before: refused, even with force, with the id first or last.
  hedui::v1::IngestHeader older = Header("d-1", true, current - 1);
  EXPECT_EQ(ViolatedField(Ingest(older, delta).status()), "header.as_of");
  older.set_force(true);
  auto forced = Ingest(older, delta);
  EXPECT_EQ(ViolatedField(forced.status()), "header.as_of");
  EXPECT_NE(forced.status().message().find("before TAX's current as-of date "
                                           "2026-11-10"),
            std::string::npos)
      << forced.status();
  auto late = *FeedIngestor::Start(store_.get(), Header("", true, current - 1),
                                   Limits());
  ASSERT_TRUE(late->Consume(delta).ok());
  ASSERT_TRUE(late->SetBatchId("d-1-late").ok());
  EXPECT_EQ(ViolatedField(late->Finish().status()), "header.as_of");
  EXPECT_EQ(store_->ReadPersons({PersonId(1)})->persons(0).tax(0).amount_fen(),
            350000);

  // Equal to the current date: applied.
  auto same = Ingest(Header("d0", true, current), delta);
  ASSERT_TRUE(same.ok()) << same.status();
  EXPECT_EQ(store_->ReadPersons({PersonId(1)})->persons(0).tax(0).amount_fen(),
            100);
  EXPECT_EQ(CurrentAsOf(hedui::v1::TAX), current);
}

TEST_F(FeedIngestorTest, ADeltaMakesTheWholeDepartmentCurrentAsOfItsDate) {
  ASSERT_TRUE(
      Ingest(Header("full", false, absl::CivilDay(2026, 11, 1)), TaxFile(4))
          .ok());
  const std::string delta =
      absl::StrCat("op,", kTaxHeader, "delete,", PersonId(2),
                   ",2026-09,WAGE,,91320581MA1XXXXX0A,2026-10-15\n");
  auto applied = Ingest(Header("d", true, absl::CivilDay(2026, 11, 20)), delta);
  ASSERT_TRUE(applied.ok()) << applied.status();
  EXPECT_EQ(CurrentAsOf(hedui::v1::TAX), absl::CivilDay(2026, 11, 20));
  // The rows it did not touch are still there, unchanged as of that date.
  auto read = store_->ReadPersons({PersonId(0), PersonId(2)});
  EXPECT_EQ(read->persons(0).tax(0).amount_fen(), 350000);
  EXPECT_EQ(read->persons(1).tax_size(), 0);
}

TEST_F(FeedIngestorTest, AnOlderFullSnapshotNeedsForce) {
  const absl::CivilDay current(2026, 11, 10);
  ASSERT_TRUE(Ingest(Header("new", false, current), TaxFile(4)).ok());
  auto older = Ingest(Header("old", false, current - 1), TaxFile(4, "1.00"));
  EXPECT_EQ(ViolatedField(older.status()), "header.as_of") << older.status();
  EXPECT_NE(older.status().message().find("force"), std::string::npos);
  EXPECT_EQ(CurrentAsOf(hedui::v1::TAX), current);

  // Same date: a corrected export, accepted.
  ASSERT_TRUE(Ingest(Header("fixed", false, current), TaxFile(4, "2.00")).ok());
  // Forced: the older data replace the current, and the as-of goes back.
  hedui::v1::IngestHeader forced = Header("old", false, current - 1);
  forced.set_force(true);
  auto rolled_back = Ingest(forced, TaxFile(4, "1.00"));
  ASSERT_TRUE(rolled_back.ok()) << rolled_back.status();
  EXPECT_EQ(CurrentAsOf(hedui::v1::TAX), current - 1);
  EXPECT_EQ(store_->ReadPersons({PersonId(0)})->persons(0).tax(0).amount_fen(),
            100);
}

TEST_F(FeedIngestorTest, AResentBatchIsANoOpWhateverItsDate) {
  const std::string delta =
      absl::StrCat("op,", kTaxHeader, "upsert,", PersonId(9),
                   ",2026-09,WAGE,1.00,P,2026-10-15\n");
  ASSERT_TRUE(
      Ingest(Header("full", false, absl::CivilDay(2026, 11, 1)), TaxFile(3))
          .ok());
  ASSERT_TRUE(
      Ingest(Header("d1", true, absl::CivilDay(2026, 11, 2)), delta).ok());
  ASSERT_TRUE(
      Ingest(Header("d2", true, absl::CivilDay(2026, 11, 5)), delta).ok());
  // d1 again, now older than the data: already applied, not refused.
  auto again = Ingest(Header("d1", true, absl::CivilDay(2026, 11, 2)), delta);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->already_applied());
  auto late = *FeedIngestor::Start(
      store_.get(), Header("", true, absl::CivilDay(2026, 11, 2)), Limits());
  ASSERT_TRUE(late->Consume(delta).ok());
  ASSERT_TRUE(late->SetBatchId("d1").ok());
  auto late_again = late->Finish();
  ASSERT_TRUE(late_again.ok()) << late_again.status();
  EXPECT_TRUE(late_again->already_applied());
  EXPECT_EQ(CurrentAsOf(hedui::v1::TAX), absl::CivilDay(2026, 11, 5));
}

// The bounds of a joint confirmation (request_bounds.h): checked before any
// work, every field out of bounds named.
std::vector<std::string> JointViolations(
    const hedui::v1::ConfirmHeldFeedsRequest& request) {
  std::vector<std::string> fields;
  const absl::Status status = BoundConfirmHeldFeeds(request);
  if (status.ok()) return fields;
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  auto details = GetErrorDetails(status);
  EXPECT_TRUE(details.has_value());
  if (!details.has_value()) return fields;
  for (const auto& v : details->field_violations()) fields.push_back(v.field());
  return fields;
}

hedui::v1::ConfirmHeldFeedRequest Held(hedui::v1::Department department,
                                       const std::string& batch_id) {
  hedui::v1::ConfirmHeldFeedRequest feed;
  feed.set_department(department);
  feed.set_batch_id(batch_id);
  return feed;
}

TEST(BoundConfirmHeldFeedsTest, OneToThirteenFilesOnePerDepartment) {
  hedui::v1::ConfirmHeldFeedsRequest request;
  EXPECT_EQ(JointViolations(request), std::vector<std::string>{"feeds"});
  *request.add_feeds() = Held(hedui::v1::TAX, "tax-1");
  EXPECT_TRUE(JointViolations(request).empty());
  *request.add_feeds() = Held(hedui::v1::SOCIAL_INSURANCE, "si-1");
  EXPECT_TRUE(JointViolations(request).empty());
  // Every department once: 13 files.
  hedui::v1::ConfirmHeldFeedsRequest all;
  for (int d = 1; d <= 13; ++d) {
    *all.add_feeds() =
        Held(static_cast<hedui::v1::Department>(d), absl::StrCat("b", d));
  }
  EXPECT_TRUE(JointViolations(all).empty());
  // A fourteenth necessarily repeats one.
  *all.add_feeds() = Held(hedui::v1::TAX, "again");
  EXPECT_EQ(JointViolations(all),
            (std::vector<std::string>{"feeds", "feeds[13].department"}));
}

TEST(BoundConfirmHeldFeedsTest, EachFileIsNamedByItsField) {
  hedui::v1::ConfirmHeldFeedsRequest request;
  *request.add_feeds() = Held(hedui::v1::TAX, "tax-1");
  *request.add_feeds() = Held(hedui::v1::TAX, "tax-2");
  *request.add_feeds() = Held(hedui::v1::DEPARTMENT_UNSPECIFIED, "x");
  *request.add_feeds() = Held(static_cast<hedui::v1::Department>(99), "x");
  *request.add_feeds() = Held(hedui::v1::VEHICLES, "has space");
  *request.add_feeds() = Held(hedui::v1::DEATH, "");
  *request.add_feeds() = Held(hedui::v1::MARRIAGE, std::string(129, 'a'));
  *request.add_feeds() = Held(hedui::v1::BUSINESS, std::string(128, 'a'));
  EXPECT_EQ(
      JointViolations(request),
      (std::vector<std::string>{"feeds[1].department", "feeds[2].department",
                                "feeds[3].department", "feeds[4].batch_id",
                                "feeds[5].batch_id", "feeds[6].batch_id"}));
  const absl::Status status = BoundConfirmHeldFeeds(request);
  EXPECT_NE(status.message().find("joint"), absl::string_view::npos) << status;
  auto details = GetErrorDetails(status);
  ASSERT_TRUE(details.has_value());
  EXPECT_NE(details->field_violations(0).description().find("feeds[0]"),
            std::string::npos)
      << details->field_violations(0).description();
}

}  // namespace
}  // namespace hedui::server
