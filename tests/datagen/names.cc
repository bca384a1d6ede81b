#include "tests/datagen/names.h"

#include "absl/strings/str_cat.h"
#include "absl/types/span.h"

namespace hedui::datagen {
namespace {

// The most common surnames, two compound ones for realism.
constexpr absl::string_view kSurnames[] = {
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴",   "周",  "徐",
    "孙", "马", "朱", "胡", "郭", "何", "高", "林", "罗",   "郑",  "梁",
    "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭",   "曾",  "肖",
    "田", "董", "袁", "潘", "于", "蒋", "蔡", "余", "杜",   "叶",  "程",
    "苏", "魏", "吕", "丁", "任", "沈", "姚", "卢", "姜",   "崔",  "钟",
    "谭", "陆", "汪", "范", "金", "石", "廖", "贾", "夏",   "韦",  "方",
    "白", "邹", "孟", "熊", "秦", "邱", "江", "尹", "薛",   "段",  "雷",
    "侯", "龙", "史", "陶", "黎", "贺", "顾", "毛", "郝",   "龚",  "邵",
    "万", "钱", "严", "武", "戴", "莫", "孔", "汤", "欧阳", "诸葛"};

constexpr absl::string_view kMaleChars[] = {
    "伟", "强", "磊", "军", "勇", "杰", "涛", "明", "超", "刚", "平", "辉",
    "鹏", "华", "飞", "鑫", "波", "斌", "宇", "浩", "凯", "健", "俊", "帆",
    "旭", "宁", "龙", "林", "国", "建", "志", "文", "海", "峰", "亮", "东",
    "晨", "阳", "成", "荣", "新", "德", "福", "生", "春", "永", "祥", "庆"};

constexpr absl::string_view kFemaleChars[] = {
    "芳", "娜", "敏", "静", "秀", "丽", "英", "华", "慧", "巧", "美", "娟",
    "霞", "燕", "玲", "桂", "兰", "萍", "红", "琴", "云", "莲", "洁", "梅",
    "琳", "雪", "倩", "婷", "颖", "欣", "悦", "佳", "怡", "晶", "妍", "月",
    "凤", "彤", "瑶", "璐", "嘉", "梦", "丹", "菲", "蓉", "珍", "玉", "春"};

constexpr absl::string_view kTradeChars[] = {
    "恒", "达", "兴", "盛", "鑫", "源", "华", "泰", "丰", "隆", "安", "康",
    "瑞", "祥", "宏", "昌", "诚", "信", "益", "佳", "和", "顺", "通", "远"};

constexpr absl::string_view kBanks[] = {
    "中国工商银行", "中国农业银行", "中国银行",        "中国建设银行",
    "交通银行",     "招商银行",     "中国邮政储蓄银行"};

constexpr absl::string_view kBrokers[] = {"华泰证券", "东吴证券",
                                          "国泰君安证券", "中信证券"};

constexpr absl::string_view kInsurers[] = {"中国人寿保险", "中国平安人寿保险",
                                           "太平洋人寿保险", "新华人寿保险"};

template <typename T, size_t N>
absl::string_view PickFrom(Rng& rng, const T (&items)[N]) {
  return items[static_cast<size_t>(rng.Uniform(0, N - 1))];
}

}  // namespace

std::string RandomSurname(Rng& rng) {
  // The compound surnames are rare: draw them one time in a hundred.
  if (rng.PerMille(10)) return rng.PerMille(500) ? "欧阳" : "诸葛";
  return std::string(kSurnames[static_cast<size_t>(
      rng.Uniform(0, static_cast<int64_t>(std::size(kSurnames)) - 3))]);
}

std::string RandomGivenName(Rng& rng, bool male) {
  const auto& chars = male ? kMaleChars : kFemaleChars;
  std::string name(PickFrom(rng, chars));
  if (!rng.PerMille(300)) absl::StrAppend(&name, PickFrom(rng, chars));
  return name;
}

absl::string_view CityName(absl::string_view region) {
  return region == "320582" ? "张家港市" : "常熟市";
}

std::string RandomTradeName(Rng& rng) {
  return absl::StrCat(PickFrom(rng, kTradeChars), PickFrom(rng, kTradeChars));
}

std::string RandomBank(Rng& rng, absl::string_view region) {
  return absl::StrCat(PickFrom(rng, kBanks), CityName(region), "支行");
}

std::string RandomBroker(Rng& rng) {
  return std::string(PickFrom(rng, kBrokers));
}

std::string RandomInsurer(Rng& rng) {
  return std::string(PickFrom(rng, kInsurers));
}

}  // namespace hedui::datagen
