//! Files the server writes hold secrets (the database, mail with activation links): they are
//! created readable by the server's own user only, whatever the umask says.

use std::io::Write;
use std::path::Path;

#[cfg(unix)]
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};

/// Creates a folder (and its parents) that only the owner can enter (0700).
/// A folder that exists already is left as its owner set it.
pub fn create_dir(path: &Path) -> std::io::Result<()> {
    if path.is_dir() {
        return Ok(());
    }
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    b.mode(0o700);
    b.create(path)?;
    // The mode is filtered by the umask; the folder is new, so it is ours to tighten.
    #[cfg(unix)]
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o700))?;
    Ok(())
}

fn options() -> std::fs::OpenOptions {
    let mut o = std::fs::OpenOptions::new();
    #[cfg(unix)]
    o.mode(0o600);
    o
}

/// Writes a new file only the owner can read (0600).
pub fn write_new(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    options()
        .write(true)
        .create_new(true)
        .open(path)?
        .write_all(bytes)
}

/// Creates an empty file only the owner can read (0600) unless it exists. SQLite gives its
/// journal and WAL files the database file's permissions, so they follow.
pub fn create_if_absent(path: &Path) -> std::io::Result<()> {
    match options().write(true).create_new(true).open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

/// The file of a `sqlite://PATH[?options]` URL, unless it names an in-memory database.
pub fn sqlite_path(url: &str) -> Option<&Path> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or_default();
    (!path.is_empty() && path != ":memory:" && !url.contains("mode=memory"))
        .then(|| Path::new(path))
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    fn mode(p: &Path) -> u32 {
        std::fs::metadata(p).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn folders_and_files_are_the_owners_alone() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("a/outbox");
        create_dir(&dir).unwrap();
        assert_eq!(mode(&dir), 0o700);
        let mail = dir.join("m.eml");
        write_new(&mail, b"secret link").unwrap();
        assert_eq!(mode(&mail), 0o600);
        let db = dir.join("d.db");
        create_if_absent(&db).unwrap();
        create_if_absent(&db).unwrap();
        assert_eq!(mode(&db), 0o600);
        assert_eq!(
            sqlite_path("sqlite:///var/d.db?mode=rwc"),
            Some(Path::new("/var/d.db"))
        );
        assert_eq!(sqlite_path("sqlite://rel.db"), Some(Path::new("rel.db")));
        assert_eq!(sqlite_path("sqlite::memory:"), None);
    }
}
