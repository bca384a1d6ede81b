#include "server/ingest/feed_ingestor.h"

#include <filesystem>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gtest/gtest.h"
#include "server/service/error_details.h"
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

hedui::v1::IngestHeader Header(const std::string& batch, bool delta = false) {
  hedui::v1::IngestHeader header;
  header.set_department(hedui::v1::TAX);
  *header.mutable_as_of() = ToProto(absl::CivilDay(2026, 10, 31));
  header.set_batch_id(batch);
  header.set_delta(delta);
  header.set_encoding(hedui::v1::UTF8);
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
    auto ingestor = FeedIngestor::Start(store_.get(), header, IngestLimits());
    if (!ingestor.ok()) return ingestor.status();
    for (size_t i = 0; i < file.size(); i += chunk) {
      if (absl::Status s = (*ingestor)->Consume(file.substr(i, chunk));
          !s.ok()) {
        return s;
      }
    }
    return (*ingestor)->Finish();
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
           {spaced_batch, "header.batch_id"}}) {
    auto started = FeedIngestor::Start(store_.get(), header, IngestLimits());
    ASSERT_FALSE(started.ok());
    EXPECT_EQ(started.status().code(), absl::StatusCode::kInvalidArgument);
    auto details = GetErrorDetails(started.status());
    ASSERT_TRUE(details.has_value());
    EXPECT_EQ(details->field_violations(0).field(), field);
  }
}

TEST_F(FeedIngestorTest, BatchIdMayFollowTheFile) {
  auto ingestor =
      *FeedIngestor::Start(store_.get(), Header(""), IngestLimits());
  ASSERT_TRUE(ingestor->Consume(TaxFile(3)).ok());
  EXPECT_EQ(ingestor->SetBatchId("a b").code(),
            absl::StatusCode::kInvalidArgument);
  ASSERT_TRUE(ingestor->SetBatchId("late-id").ok());
  auto response = ingestor->Finish();
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->batch_id(), "late-id");
  EXPECT_TRUE(store_->FindBatch(hedui::v1::TAX, "late-id")->has_value());

  // Without an id anywhere: refused, nothing written.
  auto anonymous =
      *FeedIngestor::Start(store_.get(), Header(""), IngestLimits());
  ASSERT_TRUE(anonymous->Consume(TaxFile(4)).ok());
  auto refused = anonymous->Finish();
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(GetErrorDetails(refused.status())->field_violations(0).field(),
            "batch_id");
  EXPECT_EQ(store_->ListDepartments()->at(0).current().rows(), 3);

  // An id in the header cannot be given again.
  auto twice = *FeedIngestor::Start(store_.get(), Header("h"), IngestLimits());
  EXPECT_EQ(twice->SetBatchId("t").code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(FeedIngestorTest, OversizedFeedIsRefused) {
  IngestLimits limits;
  limits.max_feed_bytes = 100;
  auto ingestor = *FeedIngestor::Start(store_.get(), Header("big"), limits);
  EXPECT_EQ(ingestor->Consume(TaxFile(10)).code(),
            absl::StatusCode::kResourceExhausted);
}

}  // namespace
}  // namespace hedui::server
