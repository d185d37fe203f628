#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension stat {
    /// The modification time, whose field is named differently on Linux and Darwin.
    var modification: (seconds: Int, nanoseconds: Int) {
        #if canImport(Glibc)
        (Int(st_mtim.tv_sec), Int(st_mtim.tv_nsec))
        #else
        (Int(st_mtimespec.tv_sec), Int(st_mtimespec.tv_nsec))
        #endif
    }
}
