// The layering of the source tree (README "Layout"): data flows one way,
// os/ -> models/ -> analysis/ -> sim/ -> cli/, os/ being files, signals, child processes and
// MPI. A folder includes its own headers and those of the layers below it, never those above;
// SimGrid is included by sim/ alone, MPI by os/ alone, and of cli/ only the commands that
// simulate in-process (run, plan) include sim/'s headers.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

const fs::path kSource = COEXLAB_SOURCE_DIR;
const std::vector<std::string> kLayers = {"os", "models", "analysis", "sim", "cli"};

bool is_source(const fs::path& p) {
  const std::string e = p.extension().string();
  return e == ".cpp" || e == ".hpp";
}

// The headers of one layer, by the name they are included with (file name, or
// commands/NAME.hpp below cli/).
std::set<std::string> headers_of(const std::string& layer) {
  std::set<std::string> out;
  for (const auto& entry : fs::recursive_directory_iterator(kSource / layer)) {
    if (entry.path().extension() != ".hpp") continue;
    out.insert(entry.path().filename().string());
    out.insert(fs::relative(entry.path(), kSource / layer).string());
  }
  return out;
}

struct Include {
  fs::path file;
  int line;
  std::string name;
  bool angled;
};

std::vector<Include> includes_of(const std::string& layer) {
  static const std::regex kInclude(R"(^\s*#\s*include\s*([<"])([^>"]+)[>"])");
  std::vector<Include> out;
  for (const auto& entry : fs::recursive_directory_iterator(kSource / layer)) {
    if (!is_source(entry.path())) continue;
    std::ifstream in(entry.path());
    std::string text;
    int line = 0;
    while (std::getline(in, text)) {
      ++line;
      std::smatch m;
      if (std::regex_search(text, m, kInclude)) {
        out.push_back({fs::relative(entry.path(), kSource), line, m[2].str(), m[1].str() == "<"});
      }
    }
  }
  return out;
}

}  // namespace

TEST(Layering, EveryLayerExistsAndHasSources) {
  for (const std::string& layer : kLayers) {
    ASSERT_TRUE(fs::is_directory(kSource / layer)) << layer;
    EXPECT_FALSE(headers_of(layer).empty()) << layer;
  }
}

TEST(Layering, NoLayerIncludesTheHeadersOfALayerAboveIt) {
  std::map<std::string, std::set<std::string>> own;
  for (const std::string& layer : kLayers) own[layer] = headers_of(layer);
  for (size_t i = 0; i < kLayers.size(); ++i) {
    for (const Include& inc : includes_of(kLayers[i])) {
      if (inc.angled) continue;
      for (size_t above = i + 1; above < kLayers.size(); ++above) {
        // A name the layer has itself (cli.hpp and a command's header) is its own.
        bool own_name = false;
        for (size_t j = 0; j <= i; ++j) own_name = own_name || own[kLayers[j]].count(inc.name) > 0;
        EXPECT_FALSE(!own_name && own[kLayers[above]].count(inc.name) > 0)
            << inc.file.string() << ":" << inc.line << ": includes \"" << inc.name << "\" of "
            << kLayers[above] << "/, a layer above " << kLayers[i] << "/";
      }
    }
  }
}

TEST(Layering, OnlySimAndTheSimulatingCommandsIncludeSimGrid) {
  const std::set<std::string> sim_headers = headers_of("sim");
  // cli/: the executable's own files, linked with coexlab_sim (cli/CMakeLists.txt).
  const std::set<std::string> simulating = {"cli/commands/run.cpp", "cli/commands/plan.cpp"};
  for (const char* layer : {"models", "analysis", "cli"}) {
    for (const Include& inc : includes_of(layer)) {
      const bool simgrid =
          inc.angled && (inc.name.rfind("simgrid", 0) == 0 || inc.name.rfind("xbt", 0) == 0);
      EXPECT_FALSE(simgrid) << inc.file.string() << ":" << inc.line << ": includes <" << inc.name
                            << ">: only sim/ uses SimGrid";
      if (!inc.angled && sim_headers.count(inc.name) > 0) {
        EXPECT_TRUE(simulating.count(inc.file.string()) > 0)
            << inc.file.string() << ":" << inc.line << ": includes sim/'s \"" << inc.name
            << "\"; only run and plan simulate in-process, the sweeps run child processes";
      }
    }
  }
}

TEST(Layering, OnlyOsIncludesMpi) {
  for (const char* layer : {"models", "analysis", "sim", "cli"}) {
    for (const Include& inc : includes_of(layer)) {
      EXPECT_FALSE(inc.angled && inc.name == "mpi.h")
          << inc.file.string() << ":" << inc.line << ": includes <mpi.h>: only os/ uses MPI";
    }
  }
}
