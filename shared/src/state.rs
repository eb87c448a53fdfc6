//! The states of tasks, jobs and agents, with their stable lowercase spellings.

use serde::{Deserialize, Serialize};

/// A state name that does not belong to the enum it was parsed as.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {kind} state `{name}`")]
pub struct UnknownState {
    /// What was being parsed, e.g. `task`, `job` or `agent`.
    pub kind: &'static str,
    /// The text that did not parse.
    pub name: String,
}

/// An enum of states with stable lowercase names: `as_str`, `Display`, `FromStr` (failing with
/// [`UnknownState`] naming `kind`) and serde under those names. Used for the states here and for
/// the master's stored states.
#[macro_export]
macro_rules! state_enum {
    ($(#[$meta:meta])* $name:ident, $kind:literal, { $($(#[$vmeta:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, ::serde::Serialize, ::serde::Deserialize)]
        #[serde(rename_all = "lowercase")]
        pub enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl $name {
            /// Every state, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable lowercase name used in the database, the API and messages.
            #[must_use]
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, formatter: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                formatter.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::state::UnknownState;

            fn from_str(text: &str) -> ::std::result::Result<Self, Self::Err> {
                match text {
                    $($text => Ok($name::$variant),)+
                    _ => Err($crate::state::UnknownState { kind: $kind, name: text.to_owned() }),
                }
            }
        }
    };
}

state_enum!(
    /// Where a task is in its life.
    TaskState, "task", {
        /// Waiting to be published to the broker.
        Queued => "queued",
        /// Published to its class queue; no worker has started it yet.
        Dispatched => "dispatched",
        /// A worker started it and holds its lease.
        Running => "running",
        /// Finished successfully.
        Done => "done",
        /// Failed and out of retries.
        Failed => "failed",
        /// Held back by a user; not dispatched until resumed.
        Paused => "paused",
        /// Stopped by a user; never runs again unless rerun.
        Cancelled => "cancelled",
    }
);

state_enum!(
    /// A job's state, derived from its tasks' states.
    JobState, "job", {
        /// No task has started yet.
        Queued => "queued",
        /// At least one task is dispatched or running, or some are done and others wait.
        Running => "running",
        /// Every task is done.
        Done => "done",
        /// Nothing is left to run and at least one task failed.
        Failed => "failed",
        /// Paused by a user.
        Paused => "paused",
        /// Cancelled by a user.
        Cancelled => "cancelled",
    }
);

state_enum!(
    /// A worker's state as the master sees it.
    AgentState, "agent", {
        /// Connected and idle.
        Online => "online",
        /// Connected and running at least one task.
        Running => "running",
        /// Not heard from within the lease timeout, or said goodbye.
        Offline => "offline",
        /// Disabled by a user: takes no new work.
        Disabled => "disabled",
        /// Enrolled by an administrator; the node has not joined yet.
        Pending => "pending",
        /// Its broker identity was revoked: it can no longer reach the farm.
        Revoked => "revoked",
    }
);

impl TaskState {
    /// Whether the task will not change state again without a user's action.
    #[must_use]
    pub const fn is_final(self) -> bool {
        matches!(self, Self::Done | Self::Failed | Self::Cancelled)
    }
}

/// Per-state task counts of one job, from which the job's state follows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskCounts {
    /// Tasks waiting to be dispatched.
    pub queued: i64,
    /// Tasks published but not yet started.
    pub dispatched: i64,
    /// Tasks running on a worker.
    pub running: i64,
    /// Tasks finished successfully.
    pub done: i64,
    /// Tasks failed for good.
    pub failed: i64,
    /// Tasks held back by a user.
    pub paused: i64,
    /// Tasks cancelled by a user.
    pub cancelled: i64,
}

impl TaskCounts {
    /// The total number of tasks.
    #[must_use]
    pub const fn total(&self) -> i64 {
        self.queued
            + self.dispatched
            + self.running
            + self.done
            + self.failed
            + self.paused
            + self.cancelled
    }

    /// The count for one state.
    #[must_use]
    pub const fn get(&self, state: TaskState) -> i64 {
        match state {
            TaskState::Queued => self.queued,
            TaskState::Dispatched => self.dispatched,
            TaskState::Running => self.running,
            TaskState::Done => self.done,
            TaskState::Failed => self.failed,
            TaskState::Paused => self.paused,
            TaskState::Cancelled => self.cancelled,
        }
    }

    /// A mutable reference to the count for one state.
    pub fn get_mut(&mut self, state: TaskState) -> &mut i64 {
        match state {
            TaskState::Queued => &mut self.queued,
            TaskState::Dispatched => &mut self.dispatched,
            TaskState::Running => &mut self.running,
            TaskState::Done => &mut self.done,
            TaskState::Failed => &mut self.failed,
            TaskState::Paused => &mut self.paused,
            TaskState::Cancelled => &mut self.cancelled,
        }
    }

    /// The job state these counts imply.
    ///
    /// A running task makes the job running; waiting tasks (queued, or published but not started)
    /// keep it queued until something has run; a job with nothing left to run is paused if any
    /// task is paused, cancelled if any was cancelled (a user's decision wins), failed if any
    /// failed, else done.
    #[must_use]
    pub const fn job_state(&self) -> JobState {
        let started = self.done + self.failed + self.cancelled > 0;
        if self.running > 0 {
            JobState::Running
        } else if self.queued + self.dispatched > 0 {
            if started {
                JobState::Running
            } else {
                JobState::Queued
            }
        } else if self.paused > 0 {
            JobState::Paused
        } else if self.cancelled > 0 {
            JobState::Cancelled
        } else if self.failed > 0 {
            JobState::Failed
        } else {
            JobState::Done
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_state_name_parses_back_to_its_state() {
        for state in TaskState::ALL {
            assert_eq!(state.as_str().parse::<TaskState>(), Ok(*state));
        }
        for state in JobState::ALL {
            assert_eq!(state.as_str().parse::<JobState>(), Ok(*state));
        }
        for state in AgentState::ALL {
            assert_eq!(state.as_str().parse::<AgentState>(), Ok(*state));
        }
        assert!("Running".parse::<TaskState>().is_err());
    }

    #[test]
    fn job_state_follows_task_counts() {
        let cases = [
            (
                TaskCounts {
                    queued: 3,
                    ..TaskCounts::default()
                },
                JobState::Queued,
            ),
            (
                TaskCounts {
                    queued: 2,
                    running: 1,
                    ..TaskCounts::default()
                },
                JobState::Running,
            ),
            (
                TaskCounts {
                    queued: 2,
                    dispatched: 3,
                    ..TaskCounts::default()
                },
                JobState::Queued,
            ),
            (
                TaskCounts {
                    queued: 2,
                    done: 1,
                    ..TaskCounts::default()
                },
                JobState::Running,
            ),
            (
                TaskCounts {
                    done: 4,
                    ..TaskCounts::default()
                },
                JobState::Done,
            ),
            (
                TaskCounts {
                    done: 3,
                    failed: 1,
                    ..TaskCounts::default()
                },
                JobState::Failed,
            ),
            (
                TaskCounts {
                    done: 3,
                    failed: 1,
                    running: 1,
                    ..TaskCounts::default()
                },
                JobState::Running,
            ),
            (
                TaskCounts {
                    paused: 2,
                    done: 1,
                    ..TaskCounts::default()
                },
                JobState::Paused,
            ),
            (
                TaskCounts {
                    cancelled: 2,
                    done: 1,
                    ..TaskCounts::default()
                },
                JobState::Cancelled,
            ),
        ];
        for (counts, expected) in cases {
            assert_eq!(counts.job_state(), expected, "{counts:?}");
        }
    }
}
