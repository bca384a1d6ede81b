#include "tests/faults/power_loss_harness.h"

#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "server/ingest/feed_ingestor.h"
#include "storage/types/civil_date.h"
#include "storage/types/resident_id.h"

namespace hedui::faults {
namespace {

using google::protobuf::util::MessageDifferencer;

hedui::v1::Report MakeReport(int n) {
  hedui::v1::Report report;
  report.set_program(hedui::v1::DIBAO);
  *report.mutable_verification_date() = ToProto(absl::CivilDay(2026, 11, 2));
  report.set_verdict(n % 2 == 0 ? hedui::v1::MEETS_CRITERIA
                                : hedui::v1::DOES_NOT_MEET);
  report.set_summary(absl::StrCat("power-loss report ", n));
  report.mutable_policy()->set_region_code("320581");
  report.mutable_policy()->set_version("2026-1");
  auto* request = report.mutable_request();
  request->set_program(hedui::v1::DIBAO);
  request->set_region_code("320581");
  request->set_application_id(absl::StrCat("app-", n));
  request->add_members()->set_person_id(FeedPersonId(n % kFeedPersons));
  report.set_engine_version("faults");
  return report;
}

std::string Yuan(int64_t fen) {
  return absl::StrFormat("%d.%02d", fen / 100, fen % 100);
}

constexpr char kTaxColumns[] =
    "person_id,period,income_type,amount_yuan,payer,pay_date\n";

std::string TaxRow(int person, int64_t amount_fen) {
  return absl::StrCat(FeedPersonId(person), ",2026-09,WAGE,", Yuan(amount_fen),
                      ",91320581MA1XXXXX0A,2026-10-15\n");
}

// What the TAX department holds after `batches` (in order) were applied:
// person -> amount.
std::map<int, int64_t> Replay(const std::vector<Ledger::Batch>& batches,
                              size_t count) {
  std::map<int, int64_t> amounts;
  for (size_t i = 0; i < count; ++i) {
    if (batches[i].delta) {
      amounts[0] = batches[i].amount_fen;
    } else {
      for (int p = 0; p < kFeedPersons; ++p) amounts[p] = batches[i].amount_fen;
    }
  }
  return amounts;
}

}  // namespace

std::string FeedPersonId(int n) {
  const std::string first17 = absl::StrFormat("32058219750615%03d", n % 1000);
  return first17 + ResidentIdCheckCharacter(first17);
}

// Before the members that create files under it.
static std::filesystem::path Emptied(std::filesystem::path dir) {
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

PowerLossStore::PowerLossStore(std::filesystem::path dir)
    : dir_(Emptied(std::move(dir))), env_((dir_ / "scratch").string()) {
  env_.fs->WatchPlainFile((dir_ / "audit.heads").string());
}

PowerLossStore::~PowerLossStore() {
  Close();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

absl::Status PowerLossStore::Open() {
  Close();
  storage::StoreOptions options;
  options.path = (dir_ / "db").string();
  options.block_cache_bytes = 8 << 20;
  // One writer thread: the order of operations, and so every cut point, is
  // the same on every run.
  options.sst_writer_threads = 1;
  options.env = env_.env.get();
  options.before_switch_hook = [this] {
    if (before_switch_) before_switch_();
  };
  auto store = storage::Store::Open(options);
  if (!store.ok()) return store.status();
  store_ = std::move(*store);
  storage::ServiceLogOptions log_options;
  log_options.audit_key = std::string(32, 'k');
  log_options.head_file = (dir_ / "audit.heads").string();
  // Often, so that cuts fall around head-file writes too.
  log_options.head_every = 3;
  auto log = storage::ServiceLog::Open(store_->service_tables(), log_options);
  if (!log.ok()) return log.status();
  log_ = std::move(*log);
  auto rolls = storage::RollStore::Open(store_->service_tables());
  if (!rolls.ok()) return rolls.status();
  rolls_ = std::move(*rolls);
  return absl::OkStatus();
}

void PowerLossStore::Close() {
  rolls_.reset();
  log_.reset();
  store_.reset();
}

absl::StatusOr<storage::Appended> PowerLossStore::Append(
    const std::string& purpose, bool with_report, Ledger* ledger) {
  const int64_t n = ++clock_;
  storage::ServiceRecord record;
  record.audit.set_time_unix_micros(1'790'000'000'000'000 + n);
  record.audit.set_caller("faults");
  record.audit.set_method("/hedui.v1.VerificationService/Verify");
  record.audit.set_program(hedui::v1::DIBAO);
  record.audit.set_purpose(purpose);
  record.audit.set_outcome("OK");
  record.audit.set_batch_index(-1);
  if (with_report) {
    record.report = MakeReport(static_cast<int>(n));
  } else {
    record.person_ids = {FeedPersonId(static_cast<int>(n % kFeedPersons))};
  }
  std::optional<hedui::v1::Report> sent = record.report;
  std::string entry_id;
  const std::string request_id = absl::StrCat("enrol-", n);
  if (with_report) {
    // Each entry its own applicant's: nothing to check against the others,
    // so the calls still share group commits (what the cuts hit).
    absl::StatusOr<std::string> allocated;
    {
      absl::MutexLock lock(&rolls_->mu());
      allocated = rolls_->AllocateEntryId();
    }
    if (!allocated.ok()) return allocated.status();
    entry_id = *allocated;
    hedui::v1::RollEntry entry;
    entry.set_entry_id(entry_id);
    entry.set_program(hedui::v1::DIBAO);
    entry.set_region_code("320581");
    entry.set_applicant_id(FeedPersonId(static_cast<int>(n)));
    entry.set_state(hedui::v1::RollEntry::ACTIVE);
    *entry.mutable_request() = record.report->request();
    storage::RollChange change;
    change.entries.push_back(std::move(entry));
    change.caller = "faults";
    change.request_id = request_id;
    change.result.set_method("/hedui.v1.RollService/Enroll");
    change.result.set_response(entry_id);
    record.writes = rolls_->Writes(change);
  }
  std::vector<storage::ServiceRecord> records;
  records.push_back(std::move(record));
  ++in_flight_;
  auto appended = log_->Append(std::move(records));
  --in_flight_;
  if (!appended.ok()) return appended.status();
  if (appended->size() != 1) {
    return absl::InternalError("one record appended, a different count back");
  }
  const storage::Appended& one = appended->front();
  absl::MutexLock lock(&ledger->mu);
  ledger->audits[one.sequence] = {purpose, one.report_id};
  if (sent.has_value()) {
    sent->set_report_id(one.report_id);
    ledger->reports[one.report_id] = *sent;
    ledger->roll_entries[entry_id] = request_id;
  }
  return one;
}

absl::StatusOr<uint64_t> PowerLossStore::Ingest(const std::string& batch_id,
                                                bool delta,
                                                absl::CivilDay as_of,
                                                int64_t amount_fen,
                                                Ledger* ledger) {
  hedui::v1::IngestHeader header;
  header.set_department(hedui::v1::TAX);
  *header.mutable_as_of() = ToProto(as_of);
  header.set_batch_id(batch_id);
  header.set_delta(delta);
  header.set_encoding(hedui::v1::UTF8);
  std::string file;
  if (delta) {
    file = absl::StrCat("op,", kTaxColumns, "upsert,", TaxRow(0, amount_fen));
  } else {
    file = kTaxColumns;
    for (int p = 0; p < kFeedPersons; ++p) {
      absl::StrAppend(&file, TaxRow(p, amount_fen));
    }
  }
  size_t index = 0;
  {
    absl::MutexLock lock(&ledger->mu);
    index = ledger->batches.size();
    ledger->batches.push_back({batch_id, delta, as_of, amount_fen});
  }
  auto ingestor =
      server::FeedIngestor::Start(store_.get(), header, server::IngestLimits());
  if (!ingestor.ok()) return ingestor.status();
  if (absl::Status s = (*ingestor)->Consume(file); !s.ok()) return s;
  auto response = (*ingestor)->Finish();
  if (!response.ok()) return response.status();
  absl::MutexLock lock(&ledger->mu);
  ledger->batches[index].acknowledged = true;
  ledger->batches[index].generation = response->generation();
  return response->generation();
}

void PowerLossStore::CheckAcknowledged(Ledger& ledger) {
  absl::MutexLock lock(&ledger.mu);
  for (const auto& [id, sent] : ledger.reports) {
    auto stored = log_->GetReport(id);
    ASSERT_TRUE(stored.ok()) << stored.status();
    if (!stored->has_value()) {
      ADD_FAILURE() << "acknowledged report " << id << " is gone";
      continue;
    }
    hedui::v1::Report report;
    ASSERT_TRUE(report.ParseFromString(**stored)) << "report " << id;
    EXPECT_TRUE(MessageDifferencer::Equals(report, sent))
        << "report " << id << " differs from the one acknowledged";
  }

  for (const auto& [entry_id, request_id] : ledger.roll_entries) {
    auto entry = rolls_->Get(entry_id);
    ASSERT_TRUE(entry.ok()) << entry.status();
    EXPECT_TRUE(entry->has_value())
        << "acknowledged roll entry " << entry_id << " is gone";
    auto result = rolls_->FindRequest("faults", request_id);
    ASSERT_TRUE(result.ok()) << result.status();
    EXPECT_TRUE(result->has_value() && (*result)->response() == entry_id)
        << "the result of acknowledged request " << request_id << " is gone";
  }

  std::map<uint64_t, hedui::v1::AuditEntry> entries;
  hedui::v1::ListAuditRequest request;
  request.set_page_size(1000);
  do {
    auto page = log_->ListAudit(request);
    ASSERT_TRUE(page.ok()) << page.status();
    for (const auto& entry : page->entries()) entries[entry.sequence()] = entry;
    request.set_page_token(page->next_page_token());
  } while (!request.page_token().empty());
  uint64_t last_acknowledged = 0;
  for (const auto& [sequence, audit] : ledger.audits) {
    last_acknowledged = std::max(last_acknowledged, sequence);
    auto it = entries.find(sequence);
    if (it == entries.end()) {
      ADD_FAILURE() << "acknowledged audit entry " << sequence << " is gone";
      continue;
    }
    EXPECT_EQ(it->second.purpose(), audit.purpose) << "entry " << sequence;
    EXPECT_EQ(it->second.report_id(), audit.report_id) << "entry " << sequence;
  }
  auto verified = log_->VerifyAudit();
  ASSERT_TRUE(verified.ok()) << verified.status();
  EXPECT_TRUE(verified->intact()) << verified->problem();
  EXPECT_GE(verified->entries(), last_acknowledged);
  EXPECT_EQ(verified->entries(), entries.size());

  // The TAX department: at the last acknowledged switch, or at the one in
  // flight at the cut, whole.
  auto departments = store_->ListDepartments();
  ASSERT_TRUE(departments.ok()) << departments.status();
  int current = -1;  // index into ledger.batches
  for (const auto& state : *departments) {
    if (state.department() != hedui::v1::TAX) continue;
    const std::string& last = state.current().last_batch_id();
    for (size_t i = 0; i < ledger.batches.size(); ++i) {
      if (ledger.batches[i].batch_id == last) current = static_cast<int>(i);
    }
    ASSERT_GE(current, 0) << "the current TAX batch " << last
                          << " was never sent";
    EXPECT_EQ(state.current().rows(), kFeedPersons);
  }
  for (size_t i = 0; i < ledger.batches.size(); ++i) {
    const Ledger::Batch& batch = ledger.batches[i];
    auto found = store_->FindBatch(hedui::v1::TAX, batch.batch_id);
    ASSERT_TRUE(found.ok()) << found.status();
    if (batch.acknowledged) {
      EXPECT_LE(static_cast<int>(i), current)
          << "acknowledged feed switch " << batch.batch_id << " is gone";
      ASSERT_TRUE(found->has_value()) << batch.batch_id;
      EXPECT_EQ((*found)->generation(), batch.generation) << batch.batch_id;
    } else {
      EXPECT_EQ(found->has_value(), static_cast<int>(i) <= current)
          << "batch " << batch.batch_id
          << " is recorded as applied but is not current, or the reverse";
    }
  }
  const std::map<int, int64_t> amounts = Replay(
      ledger.batches, current < 0 ? 0 : static_cast<size_t>(current) + 1);
  std::vector<std::string> ids;
  ids.reserve(kFeedPersons);
  for (int p = 0; p < kFeedPersons; ++p) ids.push_back(FeedPersonId(p));
  auto read = store_->ReadPersons(ids);
  ASSERT_TRUE(read.ok()) << read.status();
  ASSERT_EQ(read->persons_size(), kFeedPersons);
  for (int p = 0; p < kFeedPersons; ++p) {
    const auto& person = read->persons(p);
    auto it = amounts.find(p);
    if (it == amounts.end()) {
      EXPECT_EQ(person.tax_size(), 0) << "person " << p;
      continue;
    }
    ASSERT_EQ(person.tax_size(), 1) << "person " << p;
    EXPECT_EQ(person.tax(0).amount_fen(), it->second) << "person " << p;
  }
}

void PowerLossStore::CheckNoReuse(Ledger& ledger) {
  std::set<std::string> present;
  hedui::v1::ListReportsRequest request;
  request.set_page_size(500);
  do {
    auto page = log_->ListReports(request, {});
    ASSERT_TRUE(page.ok()) << page.status();
    for (const auto& summary : page->reports()) {
      present.insert(summary.report_id());
    }
    request.set_page_token(page->next_page_token());
  } while (!request.page_token().empty());
  auto before = log_->VerifyAudit();
  ASSERT_TRUE(before.ok()) << before.status();

  std::set<std::string> acknowledged_ids;
  std::set<std::string> acknowledged_entries;
  uint64_t last_sequence = 0;
  uint64_t last_generation = 0;
  {
    absl::MutexLock lock(&ledger.mu);
    for (const auto& [id, report] : ledger.reports) acknowledged_ids.insert(id);
    for (const auto& [id, request] : ledger.roll_entries) {
      acknowledged_entries.insert(id);
    }
    if (!ledger.audits.empty()) last_sequence = ledger.audits.rbegin()->first;
    for (const auto& batch : ledger.batches) {
      last_generation = std::max(last_generation, batch.generation);
    }
  }
  Ledger after;
  for (int i = 0; i < 3; ++i) {
    auto appended = Append(absl::StrCat("after-reboot-", i), true, &after);
    ASSERT_TRUE(appended.ok()) << appended.status();
    EXPECT_GT(appended->sequence, last_sequence)
        << "audit number handed out again";
    EXPECT_EQ(appended->sequence, before->entries() + 1 + i);
    EXPECT_EQ(acknowledged_ids.count(appended->report_id), 0u)
        << "acknowledged report id " << appended->report_id
        << " handed out again";
    EXPECT_EQ(present.count(appended->report_id), 0u)
        << "stored report id " << appended->report_id << " handed out again";
  }
  {
    absl::MutexLock lock(&after.mu);
    for (const auto& [id, request] : after.roll_entries) {
      EXPECT_EQ(acknowledged_entries.count(id), 0u)
          << "acknowledged roll entry id " << id << " handed out again";
    }
  }
  auto verified = log_->VerifyAudit();
  ASSERT_TRUE(verified.ok()) << verified.status();
  EXPECT_TRUE(verified->intact()) << verified->problem();
  EXPECT_EQ(verified->entries(), before->entries() + 3);

  auto generation = Ingest("after-reboot", false, absl::CivilDay(2026, 11, 30),
                           777'00, &after);
  ASSERT_TRUE(generation.ok()) << generation.status();
  EXPECT_GT(*generation, last_generation) << "generation handed out again";
  auto read = store_->ReadPersons({FeedPersonId(1)});
  ASSERT_TRUE(read.ok()) << read.status();
  ASSERT_EQ(read->persons(0).tax_size(), 1);
  EXPECT_EQ(read->persons(0).tax(0).amount_fen(), 777'00);
}

}  // namespace hedui::faults
