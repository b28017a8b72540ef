// The scenario loader's sections, one file each (loader_topology.cpp, loader_inventory.cpp,
// loader_workload.cpp, loader_migration.cpp, loader_settings.cpp), over the positioned YAML
// reader; loader.cpp reads the text and runs them in the order of SPEC §2. Internal to
// models/: the interface is loader.hpp.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "inventory.hpp"
#include "loader.hpp"
#include "yaml_reader.hpp"

namespace coexlab {

class Loader : public YamlReader {
 public:
  using YamlReader::YamlReader;

  Scenario load(const YAML::Node& root);

 private:
  // topology (loader_topology.cpp)
  void load_sites(const YAML::Node& n, Scenario& s);
  void load_links(const YAML::Node& n, Scenario& s);
  void load_servers(const YAML::Node& n, Scenario& s);
  void load_hardware(const YAML::Node& n, Server& server);
  void load_databases(const YAML::Node& n, Server& server);
  void load_mailboxes(const YAML::Node& n, Database& db);
  void load_connectors(const YAML::Node& n, Scenario& s);
  // loader_inventory.cpp
  void load_inventory(const YAML::Node& n, Database& db, const std::string& what);
  // loader_workload.cpp
  void load_workload(const YAML::Node& n, Scenario& s);
  // loader_migration.cpp
  void load_migration(const YAML::Node& n, Scenario& s);
  void load_window(const YAML::Node& n, const CivilTime& start, Migration& m);
  void load_batches(const YAML::Node& n, const CivilTime& start, Migration& m);
  void load_operations(const YAML::Node& n, Scenario& s);
  // settings (loader_settings.cpp)
  void load_costs(const YAML::Node& n, Scenario& s);
  void load_simulation(const YAML::Node& n, Scenario& s);
  void load_calibration(const YAML::Node& n, Scenario& s);
  void load_checks(const YAML::Node& n, Scenario& s);
  void load_acknowledge(const YAML::Node& n, Scenario& s);

  bool start_ok_ = false;

  // Inventory files, each read and parsed once however many databases take rows from it;
  // each row converted (and its errors reported) once.
  struct InventoryFile {
    std::string read_error;  // the file could not be read
    std::optional<InventoryTable> table;
    std::vector<std::optional<InventoryMailbox>> rows;
    std::vector<bool> converted;
  };
  std::map<std::string, InventoryFile> inventories_;
  std::map<std::string, SourcePos> identities_;  // identity -> its first row
};

}  // namespace coexlab
