//! How the process's allocator holds memory: a long-running server must not keep what it once
//! used.
//!
//! Why: with glibc's defaults (up to eight arenas per core, and a threshold for returning large
//! blocks that rises with every large block freed), the soak's server kept climbing in steps even
//! once everything the store holds was bounded: 55 MiB after one minute, 70 MiB after ten, while a
//! fresh server on the same store held 16 MiB. With two arenas and large blocks always mapped
//! separately and given back, the same ten minutes measured 36 MiB after one minute, then 41 to
//! 42 MiB from the fourth to the tenth.

/// Caps glibc's malloc at two arenas and makes it return freed memory above 128 KiB to the
/// system. Call first thing in `main`, before the async runtime starts its threads: threads that
/// already allocated keep their arenas. Does nothing on other platforms.
pub fn tune() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        const ARENAS: libc::c_int = 2;
        const RETURN_ABOVE: libc::c_int = 128 * 1024;
        // SAFETY: `mallopt` only sets malloc's parameters; it is called before any other thread
        // of ours exists, and a refused setting (return value 0) leaves the default in place.
        unsafe {
            libc::mallopt(libc::M_ARENA_MAX, ARENAS);
            libc::mallopt(libc::M_MMAP_THRESHOLD, RETURN_ABOVE);
            libc::mallopt(libc::M_TRIM_THRESHOLD, RETURN_ABOVE);
        }
    }
}
