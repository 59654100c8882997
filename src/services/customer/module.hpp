#pragma once
/// The customer service as a module: accounts, tokens (it signs them), staff and devices,
/// profile, loyalty. Provides "customer" (CustomerClient), "auth.verifier" (auth::TokenVerifier)
/// and "audit" (AuditLog).
#include <memory>
#include <string>

#include "lib/module/module.hpp"

namespace vetahut::customer {

/// The staff audit log, as the authentication middleware records into it.
class AuditLog {
 public:
  virtual ~AuditLog() = default;
  virtual void Record(const std::string& actor, const std::string& action, const std::string& target,
                      const std::string& detail) = 0;
};

std::unique_ptr<module::Module> MakeModule();

}  // namespace vetahut::customer
