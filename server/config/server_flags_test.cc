#include "server/config/server_flags.h"

#include <fstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace hedui::server {
namespace {

std::string WriteFile(const std::string& name, const std::string& text) {
  const std::string path = ::testing::TempDir() + "/" + name;
  std::ofstream(path) << text;
  return path;
}

struct Parsed {
  ServerConfig config;
  std::string error;  // empty when the command line parsed
};

Parsed Parse(std::vector<std::string> args) {
  Parsed parsed;
  CLI::App app;
  AddServerFlags(app, parsed.config);
  args.insert(args.begin(), "heduid");
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  try {
    app.parse(static_cast<int>(argv.size()), argv.data());
  } catch (const CLI::ParseError& error) {
    parsed.error = DescribeParseError(error);
  }
  return parsed;
}

TEST(ServerFlagsTest, TheFileSetsKeysAndFlagsOverrideThem) {
  const std::string file = WriteFile("a.conf",
                                     "# comment\n"
                                     "listen = \"0.0.0.0:9000\"\n"
                                     "max-in-flight = 7\n"
                                     "insecure = true\n"
                                     "log-format = \"json\"\n");
  Parsed from_file = Parse({"--config", file});
  ASSERT_EQ(from_file.error, "");
  EXPECT_EQ(from_file.config.listen_address, "0.0.0.0:9000");
  EXPECT_EQ(from_file.config.max_in_flight, 7);
  EXPECT_TRUE(from_file.config.insecure);
  EXPECT_EQ(from_file.config.log_format, "json");
  EXPECT_EQ(from_file.config.block_cache_mb, 512) << "untouched default";

  Parsed overridden = Parse({"--config", file, "--max-in-flight", "3"});
  ASSERT_EQ(overridden.error, "");
  EXPECT_EQ(overridden.config.max_in_flight, 3);
  EXPECT_EQ(overridden.config.listen_address, "0.0.0.0:9000");
}

TEST(ServerFlagsTest, AnUnknownKeyIsAnErrorNamingIt) {
  Parsed parsed =
      Parse({"--config", WriteFile("b.conf", "max_in_flight = 5\n")});
  EXPECT_NE(parsed.error.find("unknown key 'max_in_flight'"), std::string::npos)
      << parsed.error;
}

TEST(ServerFlagsTest, ABadValueIsAnErrorNamingTheKey) {
  Parsed parsed =
      Parse({"--config", WriteFile("c.conf", "max-in-flight = \"many\"\n")});
  EXPECT_NE(parsed.error.find("max-in-flight"), std::string::npos)
      << parsed.error;
  Parsed format =
      Parse({"--config", WriteFile("d.conf", "log-format = \"xml\"\n")});
  EXPECT_NE(format.error.find("log-format"), std::string::npos) << format.error;
}

TEST(ServerFlagsTest, OneShotFlagsAreNotConfigurationKeys) {
  Parsed parsed = Parse({"--config", WriteFile("e.conf", "check = true\n")});
  EXPECT_NE(parsed.error.find("check"), std::string::npos) << parsed.error;
  EXPECT_NE(parsed.error.find("configuration file"), std::string::npos);
}

TEST(ServerFlagsTest, AMissingFileIsAnError) {
  Parsed parsed = Parse({"--config", "/nonexistent/heduid.conf"});
  EXPECT_NE(parsed.error.find("/nonexistent/heduid.conf"), std::string::npos)
      << parsed.error;
}

// The example installed as /etc/hedui/heduid.conf documents every key and is
// a valid configuration as it stands.
TEST(ServerFlagsTest, TheExampleDocumentsEveryKeyAndIsValid) {
  const std::string example =
      std::string(HEDUI_SOURCE_DIR) + "/deploy/heduid.example.conf";
  std::ifstream in(example);
  ASSERT_TRUE(in) << example;
  const std::string text(std::istreambuf_iterator<char>(in), {});

  CLI::App app;
  ServerConfig unused;
  AddServerFlags(app, unused);
  for (const CLI::Option* option : app.get_options()) {
    if (!option->get_configurable() || option->get_lnames().empty()) continue;
    const std::string key = option->get_lnames().front();
    if (key == "help") continue;
    EXPECT_TRUE(text.find("\n" + key + " = ") != std::string::npos ||
                text.find("\n# " + key + " = ") != std::string::npos)
        << "deploy/heduid.example.conf does not document '" << key << "'";
  }

  Parsed parsed = Parse({"--config", example});
  ASSERT_EQ(parsed.error, "");
  EXPECT_TRUE(ValidateServerConfig(parsed.config).ok())
      << ValidateServerConfig(parsed.config).message();
  EXPECT_EQ(parsed.config.data_dir, "/var/lib/hedui/data");
}

}  // namespace
}  // namespace hedui::server
