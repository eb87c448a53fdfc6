//! Fair share: which jobs get the next dispatch slots.
//!
//! Job queues form a tree; jobs hang off queues. At every level, siblings (child queues and
//! jobs) compete for each slot in this order:
//!
//! 1. a sibling below its `minimum_agents` comes first;
//! 2. a sibling at its `maximum_agents` is skipped;
//! 3. higher priority wins;
//! 4. among equal priorities, the sibling with the least `(2 × active + 1) / weight` wins: the
//!    Sainte-Laguë divisor, which keeps whole slots as close to the weights' proportion as
//!    whole numbers allow (comparing `active / weight` alone lets every tie go to the older
//!    job, so weights 1 and 3 over five slots would split 2 : 3, not 1 : 4);
//! 5. ties go to the older (lower id).
//!
//! Whole slots cannot always match the weights: weights 1 and 2 over five slots are 1.67 and
//! 3.33 slots, and the divisor alone gives the same sibling the rounding every time a slot
//! frees (2 and 3 forever, the lighter one 20 % over its share). So once every sibling holds at
//! least the floor of its exact share, the slot goes to one that stays within the ceiling of
//! its share and was served least for its weight lately ([`Served`], counts that halve every
//! minute): over time each sibling gets its exact share, and at any moment it is less than one
//! slot from it.
//!
//! Slots are tasks dispatched or running ("active"), so tasks waiting in RabbitMQ count toward
//! a job's share and its maximum. The allocation is pure: the dispatcher loads a [`Snapshot`],
//! asks [`allocate`] how many tasks of each job to dispatch, and claims them.

use std::cmp::Ordering;
use std::collections::HashMap;

/// A job queue.
#[derive(Debug, Clone)]
pub struct QueueNode {
    /// Queue id.
    pub id: i64,
    /// Parent queue; `None` for a top-level queue.
    pub parent_id: Option<i64>,
    /// Priority among siblings.
    pub priority: i32,
    /// Weight among siblings of equal priority.
    pub weight: i32,
    /// Slots reserved before siblings are served.
    pub minimum: Option<i32>,
    /// Slots never exceeded.
    pub maximum: Option<i32>,
}

/// A job with tasks waiting to be dispatched.
#[derive(Debug, Clone)]
pub struct JobDemand {
    /// Job id.
    pub id: i64,
    /// Its queue.
    pub queue_id: i64,
    /// Its requirement class.
    pub class_id: i64,
    /// Priority among siblings.
    pub priority: i32,
    /// Weight among siblings of equal priority.
    pub weight: i32,
    /// Slots reserved before siblings are served.
    pub minimum: Option<i32>,
    /// Slots never exceeded.
    pub maximum: Option<i32>,
    /// Tasks dispatched or running.
    pub active: i64,
    /// Tasks waiting to be dispatched.
    pub queued: i64,
    /// Indexes into [`Snapshot::limit_room`] of the limits each task holds.
    pub limits: Vec<usize>,
}

/// Each queue's parent.
fn parents(queues: &[QueueNode]) -> HashMap<i64, Option<i64>> {
    queues
        .iter()
        .map(|queue| (queue.id, queue.parent_id))
        .collect()
}

/// Tasks granted lately to each queue (its whole subtree) and job: what decides between
/// siblings that are all within one slot of their share. Kept by the dispatcher from round to
/// round, halved every [`Served::HALF_LIFE`].
#[derive(Debug, Clone, Default)]
pub struct Served {
    /// By queue id.
    pub queues: HashMap<i64, f64>,
    /// By job id.
    pub jobs: HashMap<i64, f64>,
}

impl Served {
    /// How long a grant counts at full weight.
    pub const HALF_LIFE: std::time::Duration = std::time::Duration::from_secs(60);

    /// Count the grants of an allocation: each job in `sequence` and every queue above it.
    pub fn record(&mut self, queues: &[QueueNode], jobs: &[JobDemand], sequence: &[i64]) {
        let parents = parents(queues);
        let queue_of: HashMap<i64, i64> = jobs.iter().map(|job| (job.id, job.queue_id)).collect();
        for job_id in sequence {
            self.count(&parents, *job_id, queue_of.get(job_id).copied(), 1.0);
        }
    }

    /// Count `tasks` granted to a job of `queue_id` outside a round (claimed in its
    /// submission).
    pub fn record_job(&mut self, queues: &[QueueNode], job_id: i64, queue_id: i64, tasks: f64) {
        self.count(&parents(queues), job_id, Some(queue_id), tasks);
    }

    fn count(
        &mut self,
        parents: &HashMap<i64, Option<i64>>,
        job_id: i64,
        mut queue: Option<i64>,
        tasks: f64,
    ) {
        *self.jobs.entry(job_id).or_default() += tasks;
        let mut steps = 0;
        while let Some(id) = queue {
            *self.queues.entry(id).or_default() += tasks;
            queue = parents.get(&id).copied().flatten();
            steps += 1;
            if steps > parents.len() {
                break;
            }
        }
    }

    /// Halve every count, forgetting those that no longer matter.
    pub fn halve(&mut self) {
        for counts in [&mut self.queues, &mut self.jobs] {
            counts.retain(|_, served| {
                *served /= 2.0;
                *served >= 0.01
            });
        }
    }
}

/// Everything the allocation looks at.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    /// All job queues.
    pub queues: Vec<QueueNode>,
    /// Active tasks of every job (with or without waiting tasks) per queue, not counting
    /// sub-queues.
    pub queue_active: HashMap<i64, i64>,
    /// Jobs with waiting tasks.
    pub jobs: Vec<JobDemand>,
    /// Tasks each class's queue in RabbitMQ may take now.
    pub class_room: HashMap<i64, i64>,
    /// The pool of each class whose agents also serve other classes (an index into
    /// `pool_room`): such classes draw on one room, since the agents can take only so many
    /// tasks whichever class queue they come from.
    pub class_pool: HashMap<i64, usize>,
    /// Tasks each pool of classes may take now.
    pub pool_room: Vec<i64>,
    /// Free units of each limit.
    pub limit_room: Vec<i64>,
    /// Per-host limits, by index into `limit_room`: what the dispatcher needs to pin tasks to
    /// the hosts already holding them.
    pub limit_pins: HashMap<usize, LimitPins>,
    /// Tasks granted lately.
    pub served: Served,
}

/// A per-host limit's room for tasks that may go anywhere, and the hosts already holding it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LimitPins {
    /// Tasks that may still start on a new host.
    pub unpinned_room: i64,
    /// Agents running tasks that hold it.
    pub holders: Vec<String>,
}

/// A sibling's standing in the competition for the next slot.
#[derive(Debug, Clone, Copy)]
struct Standing {
    id: i64,
    priority: i32,
    weight: i64,
    active: i64,
    below_minimum: bool,
    served: f64,
}

/// `Less` when `a` should get the slot before `b`.
fn compare(a: &Standing, b: &Standing) -> Ordering {
    b.below_minimum
        .cmp(&a.below_minimum)
        .then(b.priority.cmp(&a.priority))
        .then(
            (i128::from(2 * a.active + 1) * i128::from(b.weight))
                .cmp(&(i128::from(2 * b.active + 1) * i128::from(a.weight))),
        )
        .then(a.id.cmp(&b.id))
}

/// The sibling that gets the next slot: the [`compare`] winner, unless every sibling competing
/// with it on weight already holds the floor of its exact share; then the one served least
/// for its weight among those that stay within the ceiling of their share.
fn choose(candidates: &[(Standing, usize)]) -> Option<usize> {
    let (best, best_job) = candidates.iter().min_by(|a, b| compare(&a.0, &b.0))?;
    if best.below_minimum {
        return Some(*best_job);
    }
    let peers: Vec<&(Standing, usize)> = candidates
        .iter()
        .filter(|(standing, _)| !standing.below_minimum && standing.priority == best.priority)
        .collect();
    if peers.len() < 2 {
        return Some(*best_job);
    }
    // Slots of the peers once this one is granted, and their weights.
    let total = i128::from(
        peers
            .iter()
            .map(|(standing, _)| standing.active)
            .sum::<i64>()
            + 1,
    );
    let weights = i128::from(
        peers
            .iter()
            .map(|(standing, _)| standing.weight)
            .sum::<i64>(),
    );
    let floor = |standing: &Standing| total * i128::from(standing.weight) / weights;
    let ceiling =
        |standing: &Standing| (total * i128::from(standing.weight) + weights - 1) / weights;
    if peers
        .iter()
        .any(|(standing, _)| i128::from(standing.active) < floor(standing))
    {
        return Some(*best_job);
    }
    peers
        .iter()
        .filter(|(standing, _)| i128::from(standing.active) < ceiling(standing))
        .min_by(|(a, _), (b, _)| {
            (a.served * b.weight as f64)
                .total_cmp(&(b.served * a.weight as f64))
                .then(compare(a, b))
        })
        .map_or(Some(*best_job), |(_, job)| Some(*job))
}

fn at_maximum(active: i64, maximum: Option<i32>) -> bool {
    maximum.is_some_and(|maximum| active >= i64::from(maximum))
}

fn below_minimum(active: i64, minimum: Option<i32>) -> bool {
    minimum.is_some_and(|minimum| active < i64::from(minimum))
}

/// The state of one allocation.
struct Allocation<'a> {
    snapshot: &'a Snapshot,
    queue_index: HashMap<i64, usize>,
    child_queues: HashMap<Option<i64>, Vec<usize>>,
    queue_jobs: HashMap<i64, Vec<usize>>,
    /// Active slots of each queue's subtree.
    subtree_active: Vec<i64>,
    /// Tasks granted lately to each queue's subtree, and to each job.
    queue_served: Vec<f64>,
    job_served: Vec<f64>,
    job_active: Vec<i64>,
    job_left: Vec<i64>,
    class_room: HashMap<i64, i64>,
    pool_room: Vec<i64>,
    limit_room: Vec<i64>,
    granted: Vec<i64>,
}

impl<'a> Allocation<'a> {
    fn new(snapshot: &'a Snapshot) -> Self {
        let queue_index: HashMap<i64, usize> = snapshot
            .queues
            .iter()
            .enumerate()
            .map(|(index, queue)| (queue.id, index))
            .collect();
        let mut child_queues: HashMap<Option<i64>, Vec<usize>> = HashMap::new();
        for (index, queue) in snapshot.queues.iter().enumerate() {
            // A queue whose parent is missing is treated as top-level.
            let parent = queue.parent_id.filter(|id| queue_index.contains_key(id));
            child_queues.entry(parent).or_default().push(index);
        }
        let mut queue_jobs: HashMap<i64, Vec<usize>> = HashMap::new();
        for (index, job) in snapshot.jobs.iter().enumerate() {
            queue_jobs.entry(job.queue_id).or_default().push(index);
        }
        let mut allocation = Self {
            snapshot,
            queue_index,
            child_queues,
            queue_jobs,
            subtree_active: vec![0; snapshot.queues.len()],
            queue_served: snapshot
                .queues
                .iter()
                .map(|queue| {
                    snapshot
                        .served
                        .queues
                        .get(&queue.id)
                        .copied()
                        .unwrap_or(0.0)
                })
                .collect(),
            job_served: snapshot
                .jobs
                .iter()
                .map(|job| snapshot.served.jobs.get(&job.id).copied().unwrap_or(0.0))
                .collect(),
            job_active: snapshot.jobs.iter().map(|job| job.active).collect(),
            job_left: snapshot.jobs.iter().map(|job| job.queued).collect(),
            class_room: snapshot.class_room.clone(),
            pool_room: snapshot.pool_room.clone(),
            limit_room: snapshot.limit_room.clone(),
            granted: vec![0; snapshot.jobs.len()],
        };
        for (queue_id, active) in &snapshot.queue_active {
            allocation.add_active(Some(*queue_id), *active);
        }
        allocation
    }

    /// Add slots to a queue and its ancestors.
    fn add_active(&mut self, mut queue_id: Option<i64>, count: i64) {
        let mut steps = 0;
        while let Some(id) = queue_id {
            let Some(&index) = self.queue_index.get(&id) else {
                break;
            };
            self.subtree_active[index] += count;
            queue_id = self.snapshot.queues[index].parent_id;
            steps += 1;
            if steps > self.snapshot.queues.len() {
                break; // a cycle in stored data; never loop forever
            }
        }
    }

    fn job_can_take(&self, index: usize) -> bool {
        let job = &self.snapshot.jobs[index];
        self.job_left[index] > 0
            && !at_maximum(self.job_active[index], job.maximum)
            && self
                .class_room
                .get(&job.class_id)
                .is_some_and(|room| *room > 0)
            && self
                .snapshot
                .class_pool
                .get(&job.class_id)
                .is_none_or(|pool| self.pool_room.get(*pool).is_some_and(|room| *room > 0))
            && job
                .limits
                .iter()
                .all(|limit| self.limit_room.get(*limit).is_some_and(|room| *room > 0))
    }

    /// The job that gets the next slot under `parent`, if any can take one.
    fn pick(&self, parent: Option<i64>, depth: usize) -> Option<usize> {
        if depth > self.snapshot.queues.len() + 1 {
            return None;
        }
        let mut candidates: Vec<(Standing, usize)> = Vec::new();
        let mut consider = |standing: Standing, job: usize| candidates.push((standing, job));
        for &queue in self.child_queues.get(&parent).into_iter().flatten() {
            let node = &self.snapshot.queues[queue];
            let active = self.subtree_active[queue];
            if at_maximum(active, node.maximum) {
                continue;
            }
            if let Some(job) = self.pick(Some(node.id), depth + 1) {
                consider(
                    Standing {
                        // Queues and jobs share one id space only for tie-breaking.
                        id: node.id,
                        priority: node.priority,
                        weight: i64::from(node.weight.max(1)),
                        active,
                        below_minimum: below_minimum(active, node.minimum),
                        served: self.queue_served[queue],
                    },
                    job,
                );
            }
        }
        if let Some(queue_id) = parent {
            for &job in self.queue_jobs.get(&queue_id).into_iter().flatten() {
                if !self.job_can_take(job) {
                    continue;
                }
                let demand = &self.snapshot.jobs[job];
                consider(
                    Standing {
                        id: demand.id,
                        priority: demand.priority,
                        weight: i64::from(demand.weight.max(1)),
                        active: self.job_active[job],
                        below_minimum: below_minimum(self.job_active[job], demand.minimum),
                        served: self.job_served[job],
                    },
                    job,
                );
            }
        }
        choose(&candidates)
    }

    fn grant(&mut self, index: usize) {
        let job = &self.snapshot.jobs[index];
        self.granted[index] += 1;
        self.job_active[index] += 1;
        self.job_served[index] += 1.0;
        self.job_left[index] -= 1;
        if let Some(room) = self.class_room.get_mut(&job.class_id) {
            *room -= 1;
        }
        if let Some(room) = self
            .snapshot
            .class_pool
            .get(&job.class_id)
            .and_then(|pool| self.pool_room.get_mut(*pool))
        {
            *room -= 1;
        }
        for &limit in &job.limits {
            if let Some(room) = self.limit_room.get_mut(limit) {
                *room -= 1;
            }
        }
        let queue_id = job.queue_id;
        self.add_active(Some(queue_id), 1);
        let mut next = Some(queue_id);
        let mut steps = 0;
        while let Some(id) = next {
            let Some(&at) = self.queue_index.get(&id) else {
                break;
            };
            self.queue_served[at] += 1.0;
            next = self.snapshot.queues[at].parent_id;
            steps += 1;
            if steps > self.snapshot.queues.len() {
                break;
            }
        }
    }
}

/// The jobs that get the next slots, one entry per task, in the order the slots were granted.
/// Publishing in this order keeps the tasks waiting in RabbitMQ interleaved by share, so the
/// order workers take them in is fair too.
#[must_use]
pub fn allocate(snapshot: &Snapshot) -> Vec<i64> {
    let mut allocation = Allocation::new(snapshot);
    let mut sequence = Vec::new();
    // Every grant uses up one unit of some class's room, so this ends.
    let budget: i64 = snapshot.class_room.values().map(|room| room.max(&0)).sum();
    for _ in 0..budget {
        let Some(job) = allocation.pick(None, 0) else {
            break;
        };
        allocation.grant(job);
        sequence.push(snapshot.jobs[job].id);
    }
    sequence
}

/// Tasks per job in a grant sequence, in order of each job's first grant.
#[must_use]
pub fn counts(sequence: &[i64]) -> Vec<(i64, i64)> {
    let mut counts: Vec<(i64, i64)> = Vec::new();
    for job_id in sequence {
        match counts.iter_mut().find(|(id, _)| id == job_id) {
            Some((_, count)) => *count += 1,
            None => counts.push((*job_id, 1)),
        }
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn queue(id: i64, parent_id: Option<i64>, priority: i32, weight: i32) -> QueueNode {
        QueueNode {
            id,
            parent_id,
            priority,
            weight,
            minimum: None,
            maximum: None,
        }
    }

    fn job(id: i64, queue_id: i64, priority: i32, weight: i32, queued: i64) -> JobDemand {
        JobDemand {
            id,
            queue_id,
            class_id: 1,
            priority,
            weight,
            minimum: None,
            maximum: None,
            active: 0,
            queued,
            limits: Vec::new(),
        }
    }

    fn snapshot(queues: Vec<QueueNode>, jobs: Vec<JobDemand>, room: i64) -> Snapshot {
        Snapshot {
            queues,
            queue_active: HashMap::new(),
            jobs,
            class_room: HashMap::from([(1, room)]),
            class_pool: HashMap::new(),
            pool_room: Vec::new(),
            limit_room: Vec::new(),
            limit_pins: HashMap::new(),
            served: Served::default(),
        }
    }

    fn granted(sequence: &[i64], job_id: i64) -> i64 {
        sequence.iter().filter(|id| **id == job_id).count() as i64
    }

    #[test]
    fn equal_priorities_share_in_proportion_to_weight() {
        let snapshot = snapshot(
            vec![queue(1, None, 0, 10)],
            vec![job(10, 1, 0, 1, 100), job(11, 1, 0, 3, 100)],
            40,
        );
        let result = allocate(&snapshot);
        assert_eq!(granted(&result, 10), 10);
        assert_eq!(granted(&result, 11), 30);
        // Interleaved: every run of four grants holds one of the light job's.
        for run in result.chunks(4) {
            assert_eq!(granted(run, 10), 1, "{run:?}");
        }
    }

    #[test]
    fn a_slot_beyond_an_even_split_goes_where_it_keeps_the_proportion() {
        // Four slots held 1 : 3 and one more to give (a task waiting in RabbitMQ): the heavy
        // job takes it, because 1 : 4 is nearer 1 : 3 than 2 : 3 is.
        let mut light = job(10, 1, 0, 1, 100);
        light.active = 1;
        let mut heavy = job(11, 1, 0, 3, 100);
        heavy.active = 3;
        let result = allocate(&snapshot(
            vec![queue(1, None, 0, 10)],
            vec![light, heavy],
            1,
        ));
        assert_eq!(result, vec![11]);
        // From nothing, five slots split 1 : 4.
        let fresh = snapshot(
            vec![queue(1, None, 0, 10)],
            vec![job(10, 1, 0, 1, 100), job(11, 1, 0, 3, 100)],
            5,
        );
        assert_eq!(granted(&allocate(&fresh), 10), 1);
    }

    #[test]
    fn higher_priority_takes_every_slot_it_can_use() {
        let snapshot = snapshot(
            vec![queue(1, None, 0, 10)],
            vec![job(10, 1, 0, 10, 100), job(11, 1, 1000, 1, 5)],
            8,
        );
        let result = allocate(&snapshot);
        assert_eq!(result[..5], [11; 5]);
        assert_eq!(granted(&result, 10), 3);
    }

    #[test]
    fn minimum_is_served_first_and_maximum_never_exceeded() {
        let mut low = job(10, 1, 0, 1, 100);
        low.minimum = Some(3);
        let mut high = job(11, 1, 100, 1, 100);
        high.maximum = Some(4);
        let snapshot = snapshot(vec![queue(1, None, 0, 10)], vec![low, high], 10);
        let result = allocate(&snapshot);
        // The low-priority job's minimum first, then the urgent job up to its maximum, then the rest.
        assert_eq!(result, [10, 10, 10, 11, 11, 11, 11, 10, 10, 10]);
        assert_eq!(counts(&result), [(10, 6), (11, 4)]);
        let mut capped = job(12, 1, 0, 1, 100);
        capped.maximum = Some(2);
        capped.active = 1;
        let snapshot2 = Snapshot {
            jobs: vec![capped],
            ..snapshot
        };
        assert_eq!(granted(&allocate(&snapshot2), 12), 1);
    }

    #[test]
    fn the_rounding_rotates_so_shares_match_the_weights_over_time() {
        // Weights 1 and 2 over five slots are 1.67 and 3.33 slots; tasks end one at a time,
        // the oldest first. Without rotation the light job would keep two slots (40 %).
        let mut served = Served::default();
        let mut running: std::collections::VecDeque<i64> = std::collections::VecDeque::new();
        let mut started: HashMap<i64, i64> = HashMap::new();
        for step in 0..600 {
            let mut light = job(10, 1, 0, 1, 10_000);
            let mut heavy = job(11, 1, 0, 2, 10_000);
            light.active = running.iter().filter(|id| **id == 10).count() as i64;
            heavy.active = running.iter().filter(|id| **id == 11).count() as i64;
            let mut round = snapshot(
                vec![queue(1, None, 0, 1)],
                vec![light, heavy],
                5 - running.len() as i64,
            );
            round.served = served.clone();
            let sequence = allocate(&round);
            served.record(&round.queues, &round.jobs, &sequence);
            for id in sequence {
                running.push_back(id);
                *started.entry(id).or_default() += 1;
            }
            assert_eq!(running.len(), 5);
            let light_slots = running.iter().filter(|id| **id == 10).count();
            assert!(
                (1..=2).contains(&light_slots),
                "always within a slot of the share: {light_slots}"
            );
            running.pop_front();
            if step % 100 == 99 {
                served.halve();
            }
        }
        let ratio = started[&10] as f64 / started[&11] as f64;
        assert!(
            (0.475..=0.525).contains(&ratio),
            "light:heavy starts {ratio:.3}, target 0.5"
        );
    }

    #[test]
    fn sibling_queues_share_by_weight_whatever_their_job_counts() {
        let snapshot = snapshot(
            vec![
                queue(1, None, 0, 10),
                queue(2, Some(1), 0, 1),
                queue(3, Some(1), 0, 1),
            ],
            vec![
                job(10, 2, 0, 10, 100),
                job(11, 2, 0, 10, 100),
                job(12, 2, 0, 10, 100),
                job(13, 3, 0, 10, 100),
            ],
            20,
        );
        let result = allocate(&snapshot);
        assert_eq!(granted(&result, 13), 10);
        assert_eq!(
            granted(&result, 10) + granted(&result, 11) + granted(&result, 12),
            10
        );
    }

    #[test]
    fn busy_queues_get_less_until_shares_even_out() {
        let mut snapshot = snapshot(
            vec![queue(1, None, 0, 1), queue(2, None, 0, 1)],
            vec![job(10, 1, 0, 1, 100), job(11, 2, 0, 1, 100)],
            4,
        );
        snapshot.queue_active.insert(1, 6);
        snapshot.jobs[0].active = 6;
        let result = allocate(&snapshot);
        assert_eq!(granted(&result, 11), 4);
    }

    #[test]
    fn limits_and_class_room_bound_the_grants() {
        let mut a = job(10, 1, 0, 1, 100);
        a.limits = vec![0];
        let mut b = job(11, 1, 0, 1, 100);
        b.limits = vec![0];
        b.class_id = 2;
        let mut snapshot = snapshot(vec![queue(1, None, 0, 10)], vec![a, b], 10);
        snapshot.class_room.insert(2, 10);
        snapshot.limit_room = vec![3];
        let result = allocate(&snapshot);
        assert_eq!(granted(&result, 10) + granted(&result, 11), 3);
        snapshot.limit_room = vec![100];
        snapshot.class_room.insert(2, 1);
        let result = allocate(&snapshot);
        assert_eq!(granted(&result, 11), 1);
        assert_eq!(granted(&result, 10), 10);
    }

    #[test]
    fn classes_sharing_agents_share_one_room_and_weights_decide_within_it() {
        // Each queue's jobs form their own class, served by the same agents: 40 tasks fit on
        // those agents in all, so 40 are granted, split by the queues' weights; without the
        // pool, each class would fill its own room of 100 and the weights would not matter.
        let mut b = job(11, 2, 0, 1, 1000);
        b.class_id = 2;
        let mut snapshot = snapshot(
            vec![queue(1, None, 0, 1), queue(2, None, 0, 3)],
            vec![job(10, 1, 0, 1, 1000), b],
            100,
        );
        snapshot.class_room.insert(2, 100);
        snapshot.class_pool = HashMap::from([(1, 0), (2, 0)]);
        snapshot.pool_room = vec![40];
        let result = allocate(&snapshot);
        assert_eq!((granted(&result, 10), granted(&result, 11)), (10, 30));
        snapshot.class_pool.clear();
        let result = allocate(&snapshot);
        assert_eq!((granted(&result, 10), granted(&result, 11)), (100, 100));
    }
}
