//! Memory the console holds with 100,000 rows loaded: a counting global allocator measures the
//! heap that stays live after the tree and each list tab are loaded (through `update`, as answers
//! arrive), and the peak on the way; the process's resident set (/proc/self/statm) beside it.
//! Prints a table.
//!
//! `cargo bench --bench console_memory`

mod console_support;

use console_support::loaded;
use dealerctl::console::tab::Tab;
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The system allocator, counting live bytes and their high-water mark.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grow(n: usize) {
    let now = LIVE.fetch_add(n, Ordering::Relaxed) + n;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        grow(layout.size());
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        grow(layout.size());
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size >= layout.size() {
            grow(new_size - layout.size());
        } else {
            LIVE.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
        }
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const ROWS: usize = 100_000;

fn rss_bytes() -> usize {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: usize = statm
        .split_whitespace()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    pages * 4096
}

fn mib(bytes: usize) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}

fn main() {
    let start_live = LIVE.load(Ordering::Relaxed);
    let start_rss = rss_bytes();
    PEAK.store(start_live, Ordering::Relaxed);
    println!("| loaded | heap held | per row | peak while loading |");
    println!("|---|---|---|---|");
    let mut app = loaded::signed_in(ROWS, true);
    let mut before = start_live;
    let report = |what: &str, before: &mut usize| {
        let live = LIVE.load(Ordering::Relaxed);
        let peak = PEAK.load(Ordering::Relaxed);
        println!(
            "| {what} | {} | {} B | +{} |",
            mib(live - *before),
            (live - *before) / ROWS,
            mib(peak - *before),
        );
        *before = live;
        PEAK.store(live, Ordering::Relaxed);
    };
    report(
        "signed in, dealer tree (root + 99,999 children)",
        &mut before,
    );
    for tab in &Tab::ALL[1..] {
        loaded::press(&mut app, loaded::tab_key(*tab), ROWS);
        let what = if *tab == Tab::RateCards {
            "Rate cards tab: cards and the selected card's rates".to_string()
        } else {
            format!("{} tab", tab.title())
        };
        report(&what, &mut before);
    }
    let live = LIVE.load(Ordering::Relaxed);
    println!(
        "| **everything** | **{}** | {} B | |",
        mib(live - start_live),
        (live - start_live) / ROWS
    );
    println!(
        "\nresident set: {} at start, {} loaded (+{})",
        mib(start_rss),
        mib(rss_bytes()),
        mib(rss_bytes().saturating_sub(start_rss))
    );
    std::hint::black_box(&app);
}
