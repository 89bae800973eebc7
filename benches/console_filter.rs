//! The console's fuzzy filter (`ListState::set_filter`, nucleo-matcher) over 1,000,000 tenants,
//! beside `fzf --filter` on the same text in the same run: every tenant's filter text (what the
//! console matches: name, domain, dealer) is written to a file, one per line, and fzf is run as a
//! subprocess over it, on every core and on one (GOMAXPROCS=1; the console filters on one).
//! Both sort the matches by score. fzf comes from the distribution: `apt-get install -y fzf`.
//!
//! `cargo bench --bench console_filter`

mod console_support;

use console_support::rows;
use criterion::{Criterion, SamplingMode, criterion_group, criterion_main};
use dealerctl::console::lists::{ListState, Row};
use dealerctl::model::Tenant;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

const TENANTS: usize = 1_000_000;

/// A word shared by many names, a fuzzy abbreviation, and three terms that narrow to a few.
const PATTERNS: &[&str] = &["pharm", "cdrphrm", "juniper dance 47"];

fn fzf(pattern: &str, input: &Path, one_core: bool) -> Command {
    let mut cmd = Command::new("fzf");
    cmd.args(["--filter", pattern])
        .stdin(std::fs::File::open(input).expect("the names file"));
    if one_core {
        cmd.env("GOMAXPROCS", "1");
    }
    cmd
}

fn fzf_matches(pattern: &str, input: &Path) -> usize {
    let out = fzf(pattern, input, false).output().expect("fzf runs");
    out.stdout.iter().filter(|b| **b == b'\n').count()
}

fn filter(c: &mut Criterion) {
    let mut list: ListState<Tenant> = ListState::default();
    list.accept(
        (0..TENANTS).map(rows::tenant).collect(),
        TENANTS as i64,
        None,
        false,
    );
    let dir = tempfile::tempdir().expect("a temporary folder");
    let input = dir.path().join("tenants.txt");
    let mut file = std::io::BufWriter::new(std::fs::File::create(&input).expect("names file"));
    for t in &list.items {
        writeln!(file, "{}", t.haystack()).expect("names written");
    }
    file.flush().expect("names written");
    drop(file);
    let size = std::fs::metadata(&input).map(|m| m.len()).unwrap_or(0);
    eprintln!("{TENANTS} tenants, {size} bytes of filter text");
    let have_fzf = Command::new("fzf")
        .arg("--version")
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !have_fzf {
        eprintln!("fzf is not installed (apt-get install -y fzf): timing the console alone");
    }

    let mut group = c.benchmark_group("filter_1m_tenants");
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(8));
    for pattern in PATTERNS {
        list.set_filter(pattern);
        let ours = list.view.len();
        if have_fzf {
            eprintln!(
                "/{pattern}: the console matches {ours}, fzf {}",
                fzf_matches(pattern, &input)
            );
        }
        group.bench_function(format!("console/{pattern}"), |b| {
            b.iter(|| list.set_filter(pattern))
        });
        if have_fzf {
            for (name, one_core) in [("fzf", false), ("fzf_1_core", true)] {
                group.bench_function(format!("{name}/{pattern}"), |b| {
                    b.iter(|| {
                        let status = fzf(pattern, &input, one_core)
                            .stdout(Stdio::null())
                            .status()
                            .expect("fzf runs");
                        assert!(status.success(), "fzf found matches");
                    })
                });
            }
        }
    }
    group.finish();
}

criterion_group!(benches, filter);
criterion_main!(benches);
