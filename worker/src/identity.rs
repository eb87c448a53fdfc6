//! The worker's agent id, kept in its data directory so it survives restarts and two workers
//! with two directories on one host are two agents.

use std::io;
use std::path::Path;

use warren_shared::AgentId;

/// File name of the agent id inside the data directory.
pub const AGENT_ID_FILE: &str = "agent_id";

/// Read the agent id from `dir`, or create the directory and a fresh id.
pub fn load_or_create(dir: &Path) -> io::Result<AgentId> {
    let path = dir.join(AGENT_ID_FILE);
    match std::fs::read_to_string(&path) {
        Ok(text) => text.parse().map_err(|error| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!("{} does not hold an agent id: {error}", path.display()),
            )
        }),
        Err(error) if error.kind() == io::ErrorKind::NotFound => {
            std::fs::create_dir_all(dir)?;
            let agent_id = AgentId::new_random();
            let temporary = dir.join(format!("{AGENT_ID_FILE}.tmp"));
            std::fs::write(&temporary, format!("{agent_id}\n"))?;
            std::fs::rename(&temporary, &path)?;
            Ok(agent_id)
        }
        Err(error) => Err(error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_agent_id_survives_a_restart_and_differs_per_directory() {
        let first_dir = tempfile::tempdir().expect("temporary directory");
        let second_dir = tempfile::tempdir().expect("temporary directory");
        let first = load_or_create(&first_dir.path().join("worker")).expect("new id");
        assert_eq!(
            load_or_create(&first_dir.path().join("worker")).expect("same id"),
            first
        );
        assert_ne!(load_or_create(second_dir.path()).expect("other id"), first);
    }

    #[test]
    fn a_corrupt_id_file_is_an_error_not_a_new_identity() {
        let dir = tempfile::tempdir().expect("temporary directory");
        std::fs::write(dir.path().join(AGENT_ID_FILE), "not a uuid").expect("write");
        assert!(load_or_create(dir.path()).is_err());
    }
}
