// libFuzzer's driver, from the toolchain's libclang_rt.fuzzer. Only fuzz builds (make fuzz, -sanitize=fuzzer)
// call it, so a normal build never needs the library.
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
