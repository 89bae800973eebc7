//! How the server's process uses the C allocator.
//!
//! Each argon2 check allocates and frees a 19 MiB block. glibc serves such a block with `mmap`, and
//! on freeing it raises its own threshold for using `mmap` to the block's size, for the whole
//! process: from then on every allocation below 19 MiB, on every thread, comes from the heaps,
//! which keep what is freed. Under a flood of sign-ins the server then stayed at 389 MiB resident
//! instead of 66 (`benches/auth_flood.rs`). Fixing the threshold at 1 MiB keeps large blocks on
//! `mmap`, returned to the system when freed.

/// Fixes the allocator's `mmap` threshold (glibc only; elsewhere nothing to do).
pub fn keep_large_blocks_returnable() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes a tuning parameter of the allocator; it is called once at
    // start-up, before the server's threads allocate anything large.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1024 * 1024);
    }
}
