#include "scenario.hpp"

#include <algorithm>

namespace coexlab {

bool Server::has(Role r) const { return std::find(roles.begin(), roles.end(), r) != roles.end(); }

const Site* Scenario::find_site(const std::string& n) const {
  const int i = site_index(n);
  return i < 0 ? nullptr : &sites[static_cast<size_t>(i)];
}

const Server* Scenario::find_server(const std::string& n) const {
  const int i = server_index(n);
  return i < 0 ? nullptr : &servers[static_cast<size_t>(i)];
}

const Database* Scenario::find_database(const DatabaseRef& ref) const {
  const Server* s = find_server(ref.server);
  if (!s) return nullptr;
  for (const Database& d : s->databases) {
    if (d.name == ref.database) return &d;
  }
  return nullptr;
}

int Scenario::site_index(const std::string& n) const {
  for (size_t i = 0; i < sites.size(); ++i) {
    if (sites[i].name == n) return static_cast<int>(i);
  }
  return -1;
}

int Scenario::server_index(const std::string& n) const {
  for (size_t i = 0; i < servers.size(); ++i) {
    if (servers[i].name == n) return static_cast<int>(i);
  }
  return -1;
}

std::string_view to_string(Role r) {
  switch (r) {
    case Role::mailbox: return "mailbox";
    case Role::front_end: return "front_end";
    case Role::bridgehead: return "bridgehead";
    case Role::hub_transport: return "hub_transport";
    case Role::client_access: return "client_access";
    case Role::unified_messaging: return "unified_messaging";
    case Role::edge_transport: return "edge_transport";
  }
  return "?";
}

std::string_view to_string(ExchangeVersion v) { return v == ExchangeVersion::v2003 ? "2003" : "2007"; }

std::string_view to_string(AdminTool t) {
  switch (t) {
    case AdminTool::aduc_2003: return "aduc_2003";
    case AdminTool::esm_2003: return "esm_2003";
    case AdminTool::emc: return "emc";
    case AdminTool::ems: return "ems";
  }
  return "?";
}

std::string_view to_string(OperationAction a) {
  switch (a) {
    case OperationAction::create_mailbox: return "create_mailbox";
    case OperationAction::modify_mailbox: return "modify_mailbox";
    case OperationAction::remove_mailbox: return "remove_mailbox";
    case OperationAction::move_mailbox: return "move_mailbox";
  }
  return "?";
}

bool is_2007_role(Role r) {
  return r == Role::hub_transport || r == Role::client_access || r == Role::unified_messaging ||
         r == Role::edge_transport;
}

}  // namespace coexlab
