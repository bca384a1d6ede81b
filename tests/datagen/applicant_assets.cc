#include "tests/datagen/applicant_assets.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "tests/datagen/county_calendar.h"
#include "tests/datagen/example_policy.h"
#include "tests/datagen/names.h"

namespace hedui::datagen {
namespace {

namespace store = hedui::store::v1;

int64_t RoundDown(int64_t fen, int64_t unit) { return fen / unit * unit; }

bool AssetTested(const CasePlan& plan) {
  return plan.program == hedui::v1::DIBAO || plan.program == hedui::v1::TEKUN ||
         plan.program == hedui::v1::HOUSING ||
         plan.program == hedui::v1::MEDICAL;
}

class AssetMaker {
 public:
  AssetMaker(County& county, Rng& rng, ApplicantHousehold& household)
      : county_(county), rng_(rng), h_(household), plan_(*household.plan) {
    for (const ApplicantMember& m : h_.members) {
      if (!m.deceased && m.adult()) holders_.push_back(&m);
    }
    // A minor living alone holds their own account.
    if (holders_.empty()) holders_.push_back(&h_.members[0]);
  }

  AssetFacts Make() {
    facts_.financial_limit_fen =
        kFinancialAssetsMultiple * h_.standard_fen * h_.counted();
    Financial();
    RealEstate();
    Vehicles();
    Businesses();
    return facts_;
  }

 private:
  FeedWriter& feeds() { return county_.feeds(); }
  const std::string& Head() const { return h_.members[0].person.id; }
  const std::string& AnyHolder() {
    return holders_[static_cast<size_t>(rng_.Uniform(
                        0, static_cast<int64_t>(holders_.size()) - 1))]
        ->person.id;
  }
  // The declared spouse, when alive: co-owner of the family home.
  const ApplicantMember* Spouse() const {
    for (const ApplicantMember& m : h_.members) {
      if (m.relation == store::SPOUSE && !m.deceased) return &m;
    }
    return nullptr;
  }

  void Financial();
  void RealEstate();
  void Property(store::PropertyUse use, int64_t area, const std::string& owner,
                const std::string* co_owner);
  void Vehicles();
  void Vehicle(store::VehicleType type, const std::string& owner,
               bool declared);
  void Businesses();

  County& county_;
  Rng& rng_;
  ApplicantHousehold& h_;
  const CasePlan& plan_;
  std::vector<const ApplicantMember*> holders_;
  AssetFacts facts_;
};

void AssetMaker::Financial() {
  const int64_t limit = facts_.financial_limit_fen;
  int64_t total;
  if (plan_.boundary == Boundary::kDepositsAtLimit) {
    total = limit;  // ≤ limit passes
  } else if (plan_.boundary == Boundary::kDepositsOneFenOver) {
    total = limit + 1;
  } else if (plan_.Has(Plant::kDepositsOverLimit)) {
    total = rng_.Uniform(limit * 13 / 10, limit * 3);
  } else if (!AssetTested(plan_)) {
    // Reported, not judged: some of these households have savings.
    total = rng_.PerMille(100) ? rng_.Uniform(limit, limit * 2)
                               : rng_.Uniform(0, limit * 6 / 10);
  } else {
    total = rng_.PerMille(150) ? 0 : rng_.Uniform(0, limit * 45 / 100);
  }
  facts_.financial_fen = total;
  facts_.declared_financial_fen =
      plan_.Has(Plant::kDepositsOverLimit)
          ? RoundDown(limit * rng_.Uniform(100, 600) / 1000, 100)
          : total;
  if (total == 0) return;
  // Split the total exactly over 1–4 accounts of the adult members.
  const int accounts = static_cast<int>(
      rng_.Uniform(1, std::min<int64_t>(4, 2 * holders_.size())));
  std::vector<int64_t> cuts = {0, total};
  for (int i = 1; i < accounts; ++i) cuts.push_back(rng_.Uniform(0, total));
  std::sort(cuts.begin(), cuts.end());
  for (size_t i = 1; i < cuts.size(); ++i) {
    const int64_t balance = cuts[i] - cuts[i - 1];
    const size_t kind = rng_.Weighted({85, 10, 5});
    const store::FinancialAssetType type = kind == 0 ? store::DEPOSIT
                                           : kind == 1
                                               ? store::SECURITIES
                                               : store::INSURANCE_CASH_VALUE;
    const std::string institution = kind == 0   ? RandomBank(rng_, plan_.region)
                                    : kind == 1 ? RandomBroker(rng_)
                                                : RandomInsurer(rng_);
    feeds().FinancialAsset(AnyHolder(), institution, county_.NewAccount(type),
                           type, balance, BalanceDate());
  }
}

void AssetMaker::Property(store::PropertyUse use, int64_t area,
                          const std::string& owner,
                          const std::string* co_owner) {
  const absl::CivilDay acquired =
      absl::CivilDay(2000, 1, 1) +
      rng_.Uniform(
          0, AsOf(hedui::v1::REAL_ESTATE) - absl::CivilDay(2000, 1, 1) - 30);
  const std::string id =
      county_.NewPropertyId(plan_.region, static_cast<int>(acquired.year()));
  if (co_owner != nullptr) {
    feeds().RealEstate(owner, id, use, area, 5000, acquired);
    feeds().RealEstate(*co_owner, id, use, area, 5000, acquired);
  } else {
    feeds().RealEstate(owner, id, use, area, 10000, acquired);
  }
  if (use == store::RESIDENTIAL) {
    ++facts_.residential;
    facts_.residential_area_by_share += area * 10000;
  } else {
    ++facts_.non_residential;
  }
}

void AssetMaker::RealEstate() {
  const int n = h_.counted();
  const bool extra = plan_.Has(Plant::kExtraHouse);
  const ApplicantMember* spouse = Spouse();
  const std::string* co_owner =
      spouse != nullptr && rng_.PerMille(600) ? &spouse->person.id : nullptr;
  if (plan_.program == hedui::v1::HOUSING) {
    // Sole ownership keeps the area per member exact.
    if (plan_.boundary == Boundary::kHousingAreaJustBelow) {
      Property(store::RESIDENTIAL, 1499 * n, Head(), nullptr);  // 14.99 m² each
    } else if (extra) {
      Property(store::RESIDENTIAL, rng_.Uniform(3000, 9000), Head(), nullptr);
      // Alone 15 m² a member or more: HOUSING_NEED fails as well.
      Property(store::RESIDENTIAL, rng_.Uniform(1500 * n, 1500 * n + 6000),
               AnyHolder(), nullptr);
    } else if (rng_.PerMille(350)) {
      Property(store::RESIDENTIAL, rng_.Uniform(800 * n, 1350 * n), Head(),
               nullptr);
    }
  } else if (AssetTested(plan_)) {
    if (extra || rng_.PerMille(550)) {
      Property(store::RESIDENTIAL, rng_.Uniform(4500, 12000), Head(), co_owner);
    }
    if (extra)
      Property(store::RESIDENTIAL, rng_.Uniform(5000, 13000), AnyHolder(),
               nullptr);
  } else {
    // Temporary and trade-union aid do not judge assets: declared honestly.
    if (rng_.PerMille(600))
      Property(store::RESIDENTIAL, rng_.Uniform(5000, 14000), Head(), co_owner);
    if (rng_.PerMille(80))
      Property(store::RESIDENTIAL, rng_.Uniform(4000, 9000), AnyHolder(),
               nullptr);
    if (rng_.PerMille(30))
      Property(store::NON_RESIDENTIAL, rng_.Uniform(2000, 8000), Head(),
               nullptr);
  }
  facts_.declared_residential = facts_.residential - (extra ? 1 : 0);
  facts_.declared_non_residential = facts_.non_residential;
}

void AssetMaker::Vehicle(store::VehicleType type, const std::string& owner,
                         bool declared) {
  const absl::CivilDay registered =
      absl::CivilDay(2012, 1, 1) +
      rng_.Uniform(0,
                   AsOf(hedui::v1::VEHICLES) - absl::CivilDay(2012, 1, 1) - 10);
  feeds().Vehicle(owner, county_.NewPlate(type), type, registered);
  ++facts_.vehicles;
  if (declared) ++facts_.declared_vehicles;
  if (type == store::CAR || type == store::TRUCK) facts_.car_or_truck = true;
}

void AssetMaker::Vehicles() {
  if (plan_.Has(Plant::kHiddenCar)) {
    Vehicle(store::CAR, AnyHolder(), false);
    return;
  }
  if (!AssetTested(plan_)) {
    if (rng_.PerMille(300)) Vehicle(store::CAR, Head(), true);
    if (rng_.PerMille(300)) Vehicle(store::E_BIKE, AnyHolder(), true);
    return;
  }
  // Allowed vehicles (domain.md §5), declared.
  if (rng_.PerMille(250)) Vehicle(store::E_BIKE, AnyHolder(), true);
  if (rng_.PerMille(60)) Vehicle(store::MOTORCYCLE, AnyHolder(), true);
  for (const ApplicantMember& m : h_.members) {
    if (m.physical_disability && !m.deceased && rng_.PerMille(500)) {
      Vehicle(store::DISABILITY_VEHICLE, m.person.id, true);
    }
  }
}

void AssetMaker::Businesses() {
  const std::string city(CityName(plan_.region));
  const std::string& owner = AnyHolder();
  if (plan_.boundary == Boundary::kIndividualCapitalOneFenOver ||
      plan_.Has(Plant::kBusinessOwnerIndividual)) {
    int64_t capital;
    if (plan_.boundary == Boundary::kIndividualCapitalOneFenOver) {
      capital = kIndividualBusinessCapitalLimitFen + 1;
      facts_.business = AssetFacts::Business::kIndividualOverLimit;
    } else {
      capital = plan_.boundary == Boundary::kIndividualCapitalAtLimit
                    ? kIndividualBusinessCapitalLimitFen
                    : RoundDown(rng_.Uniform(
                                    500000, kIndividualBusinessCapitalLimitFen),
                                100000);
      facts_.business = AssetFacts::Business::kIndividualInLimit;
    }
    constexpr const char* kShops[] = {"便利店", "小吃店", "五金店", "理发店",
                                      "修车铺"};
    feeds().Business(
        owner,
        county_.NewEnterpriseId(plan_.region, store::INDIVIDUAL_BUSINESS),
        absl::StrCat(city, RandomTradeName(rng_), kShops[rng_.Uniform(0, 4)]),
        store::INDIVIDUAL_BUSINESS, store::OPERATOR, capital, store::ACTIVE);
  }
  if (plan_.Has(Plant::kBusinessOwner) &&
      plan_.boundary != Boundary::kIndividualCapitalOneFenOver) {
    const std::string id =
        county_.NewEnterpriseId(plan_.region, store::COMPANY);
    const std::string name =
        absl::StrCat(city, RandomTradeName(rng_), "商贸有限公司");
    const int64_t capital =
        RoundDown(rng_.Uniform(10000000, 500000000), 1000000);
    feeds().Business(owner, id, name, store::COMPANY,
                     store::LEGAL_REPRESENTATIVE, capital, store::ACTIVE);
    if (rng_.PerMille(500)) {
      feeds().Business(owner, id, name, store::COMPANY, store::SHAREHOLDER,
                       capital, store::ACTIVE);
    }
    facts_.business = AssetFacts::Business::kCompanyActive;
  }
  if (facts_.business == AssetFacts::Business::kNone && AssetTested(plan_) &&
      rng_.PerMille(30)) {
    // A closed company: dissolved and revoked enterprises pass.
    feeds().Business(owner,
                     county_.NewEnterpriseId(plan_.region, store::COMPANY),
                     absl::StrCat(city, RandomTradeName(rng_), "贸易有限公司"),
                     store::COMPANY, store::LEGAL_REPRESENTATIVE,
                     RoundDown(rng_.Uniform(10000000, 100000000), 1000000),
                     rng_.PerMille(500) ? store::DISSOLVED : store::REVOKED);
    facts_.business = AssetFacts::Business::kInactiveOnly;
  }
}

}  // namespace

AssetFacts BuildAssets(County& county, Rng& rng,
                       ApplicantHousehold& household) {
  return AssetMaker(county, rng, household).Make();
}

}  // namespace hedui::datagen
