//! Hostile links and files (the corpus under `fixtures/`, built by `corpus.rs`): every one is
//! refused with a message, none panics, and opening one allocates less than a stated bound.
//! Opening is the engine's whole path for untrusted models ([`ganvas_engine::share::open_link`]
//! and [`ganvas_engine::share::open_file`]): decoding within the share format's limits, the
//! configuration's validation and the check of every tensor against it.

mod corpus;
mod forge;
mod meter;

use std::path::PathBuf;

use ganvas_engine::share::{open_file, open_link};
use ganvas_share::Limits;

#[global_allocator]
static METER: meter::Meter = meter::Meter;

/// Whether a fixture is a link's text (else a file's bytes); `None` for other files.
fn is_link(name: &str) -> Option<bool> {
    let extension = std::path::Path::new(name).extension()?.to_str()?;
    match extension.to_ascii_lowercase().as_str() {
        "link" => Some(true),
        "ganvas" => Some(false),
        _ => None,
    }
}

fn fixture_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/hostile/fixtures")
}

/// The corpus on disk, by name.
fn fixtures() -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(fixture_dir())
        .expect("the fixture folder")
        .map(|entry| {
            let path = entry.expect("an entry").path();
            let name = path
                .file_name()
                .expect("a name")
                .to_string_lossy()
                .into_owned();
            (name, std::fs::read(&path).expect("readable"))
        })
        .filter(|(name, _)| is_link(name).is_some())
        .collect();
    files.sort();
    files
}

#[test]
fn the_fixtures_are_the_corpus() {
    let mut built = corpus::corpus();
    built.sort();
    if std::env::var_os("GANVAS_WRITE_FIXTURES").is_some() {
        for (name, _) in fixtures() {
            std::fs::remove_file(fixture_dir().join(name)).expect("removes");
        }
        for (name, bytes) in &built {
            std::fs::write(fixture_dir().join(name), bytes).expect("writes");
        }
    }
    let on_disk = fixtures();
    let names =
        |list: &[(String, Vec<u8>)]| list.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    assert_eq!(
        names(&on_disk),
        names(&built),
        "run with GANVAS_WRITE_FIXTURES=1"
    );
    for ((name, disk), (_, fresh)) in on_disk.iter().zip(&built) {
        assert!(disk == fresh, "{name} differs from what corpus.rs builds");
    }
    assert!(built.len() >= 30, "{} fixtures", built.len());
}

#[test]
fn every_hostile_fixture_is_refused_in_words_within_the_bound() {
    let fixtures = fixtures();
    assert!(fixtures.len() >= 30, "{} fixtures", fixtures.len());
    let mut failures = Vec::new();
    println!("{:<44} {:>10}  message", "fixture", "peak KiB");
    for (name, bytes) in &fixtures {
        let is_link = is_link(name) == Some(true);
        let limits = if is_link { Limits::LINK } else { Limits::FILE };
        let text = String::from_utf8_lossy(bytes).into_owned();
        let (outcome, peak) = meter::peak_bytes(|| {
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                if is_link {
                    open_link(&text).map(|_| ())
                } else {
                    open_file(bytes).map(|_| ())
                }
            }))
        });
        let message = match outcome {
            Err(_) => {
                failures.push(format!("{name}: panicked"));
                continue;
            }
            Ok(Ok(())) => {
                failures.push(format!("{name}: opened"));
                continue;
            }
            Ok(Err(error)) => error.to_string(),
        };
        println!("{name:<44} {:>10}  {message}", peak >> 10);
        if message.len() < 12 {
            failures.push(format!("{name}: the message “{message}” says too little"));
        }
        if peak > limits.allocation_bound() {
            failures.push(format!(
                "{name}: allocated {peak} bytes, over the bound of {}",
                limits.allocation_bound()
            ));
        }
        // Links are refused cheaply whatever they claim: under 40 MiB.
        if is_link && peak > 40 << 20 {
            failures.push(format!("{name}: a link allocated {peak} bytes"));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn a_well_formed_model_opens_on_the_same_path() {
    let payload = forge::toy_payload(true);
    let opened = open_file(&forge::file(&payload)).expect("a good file opens");
    assert_eq!(opened.snapshot.step, 3);
    let text = String::from_utf8(forge::link(&forge::toy_payload(false))).expect("text");
    open_link(&text).expect("a good link opens");
}
