#include "study_inputs.hpp"

#include <algorithm>
#include <filesystem>
#include <map>
#include <system_error>

#include "gateway/dicom/study_file_reader.hpp"

namespace gw::app {
namespace {

namespace fs = std::filesystem;

bool is_hidden(const fs::path& path) {
  const std::string name = path.filename().string();
  return !name.empty() && name.front() == '.';
}

/// The regular files under `folder`, sorted so that a run is repeatable.
std::vector<fs::path> files_under(const fs::path& folder, std::vector<InputProblem>& problems) {
  std::vector<fs::path> files;
  std::error_code ec;
  fs::recursive_directory_iterator it(folder, fs::directory_options::skip_permission_denied, ec);
  if (ec) {
    problems.push_back({folder.string(), "cannot read folder: " + ec.message()});
    return files;
  }
  bool complete = true;
  const fs::recursive_directory_iterator end{};
  while (it != end) {
    std::error_code entry_ec;
    if (is_hidden(it->path())) {
      if (it->is_directory(entry_ec)) it.disable_recursion_pending();
    } else if (it->is_regular_file(entry_ec)) {
      files.push_back(it->path());
    }
    it.increment(ec);
    if (ec) {
      problems.push_back({folder.string(), "cannot read folder: " + ec.message()});
      complete = false;
      break;
    }
  }
  std::sort(files.begin(), files.end());
  if (files.empty() && complete) {
    problems.push_back({folder.string(), "no files in this folder"});
  }
  return files;
}

/// The files `path` stands for: itself, or what a folder holds.
std::vector<fs::path> expand(const std::string& path, std::vector<InputProblem>& problems) {
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (ec || !fs::exists(status)) {
    problems.push_back({path, "no such file or folder"});
    return {};
  }
  if (fs::is_directory(status)) return files_under(path, problems);
  return {fs::path(path)};
}

}  // namespace

StudyInputs gather_studies(const std::vector<std::string>& paths,
                           const AssociationInfo& association) {
  StudyInputs out;
  std::map<std::string, std::size_t, std::less<>> index_of_study;
  for (const auto& path : paths) {
    for (const auto& file : expand(path, out.problems)) {
      std::string error;
      auto facts = dicom::read_study_facts(file, association, error);
      if (!facts) {
        out.problems.push_back({file.string(), error});
        continue;
      }
      if (facts->study_instance_uid.empty()) {
        out.problems.push_back({file.string(), "no StudyInstanceUID (the gateway refuses this file)"});
        continue;
      }
      const auto [it, inserted] =
          index_of_study.try_emplace(facts->study_instance_uid, out.studies.size());
      if (inserted) out.studies.push_back({std::move(*facts), file.string(), 0});
      ++out.studies[it->second].file_count;
    }
  }
  return out;
}

}  // namespace gw::app
