// Replays files through a fuzz target without libFuzzer, so the normal g++ build and ctest
// keep every seed and every past crash passing. Arguments: files or folders (missing folders
// are skipped, an empty run fails: a corpus that vanished should not pass silently).
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

void run_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  const std::vector<char> bytes{std::istreambuf_iterator<char>(in), {}};
  LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
}

}  // namespace

int main(int argc, char** argv) {
  int runs = 0;
  for (int i = 1; i < argc; ++i) {
    const std::filesystem::path arg(argv[i]);
    if (std::filesystem::is_regular_file(arg)) {
      run_file(arg);
      ++runs;
    } else if (std::filesystem::is_directory(arg)) {
      for (const auto& entry : std::filesystem::recursive_directory_iterator(arg)) {
        if (!entry.is_regular_file()) continue;
        std::cerr << "running " << entry.path().filename().string() << "\n";
        run_file(entry.path());
        ++runs;
      }
    }
  }
  std::cout << runs << " inputs ran without a crash\n";
  return runs > 0 ? 0 : 1;
}
