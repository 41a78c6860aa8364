//! Giving back what killed ends stranded: `ring repair`, and an end that has the ring to
//! itself doing the same before it sleeps. Both set the semaphores and count from head
//! and tail ([`health::plan`]), which is right only while no other process moves items:
//! the repair holds both role locks and checks that nobody else is attached.

use super::health::{self, Held, Plan};
use super::layout::{Header, Layout};
use super::lock::{self, Role};
use super::open;
use super::shared::{Owner, Ring};
use crate::error::{Error, Result, Status};
use crate::model::ring::{FieldRepair, RepairReport};
use crate::output;
use crate::sys::SysResult;
use crate::sys::shm::{self, ShmId};
use std::sync::atomic::Ordering;

/// What applying a plan changed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Applied {
    /// Items between tail and head posted again on the filled semaphore.
    pub offered: u32,
    /// Slots posted on the free semaphore.
    pub freed: u32,
    /// Permits taken away (a semaphore that promised more than the ring holds).
    pub withdrawn: u32,
}

impl Applied {
    pub fn changed(&self) -> bool {
        *self != Applied::default()
    }
}

/// Move a semaphore's value to `target`: permits taken away first, then posted (a post
/// wakes whoever sleeps on it).
fn settle(sem: &crate::sys::sem::Semaphore<'_>, target: u32) -> SysResult<(u32, u32)> {
    let now = sem.available();
    if now > target {
        Ok((0, sem.try_take(now - target)))
    } else {
        sem.post(target - now)?;
        Ok((target - now, 0))
    }
}

/// Set the ring's semaphores and count to `plan`. Decreases come first, so that the two
/// semaphores never promise more slots than the ring has.
pub fn apply(ring: &Ring<'_>, plan: &Plan) -> SysResult<Applied> {
    let mut applied = Applied::default();
    let order = if ring.filled.available() > plan.filled {
        [(true, plan.filled), (false, plan.free)]
    } else {
        [(false, plan.free), (true, plan.filled)]
    };
    for (filled, target) in order {
        let sem = if filled { &ring.filled } else { &ring.free };
        let (posted, taken) = settle(sem, target)?;
        if filled {
            applied.offered += posted;
        } else {
            applied.freed += posted;
        }
        applied.withdrawn += taken;
    }
    ring.count.store(plan.count, Ordering::Release);
    Ok(applied)
}

/// A waiting end gives back what killed ends stranded, when it can be sure of every slot:
///
/// - the other end is gone (this end takes its role lock for the moment) and nobody else
///   is attached (not even a C peer, which takes no lock): the header is the whole truth;
/// - or the other end is alive but asleep in a long wait (this end takes its awake lock
///   for the moment), and nobody but the two is attached: that end holds no slot but at
///   most the one permit its wake-up just gave it, which is left with it.
///
/// This end holds its own awake lock and no slot (it is waiting). True when something
/// changed.
pub fn heal_stranded(ring: &Ring<'_>, owner: Owner<'_>) -> bool {
    let (id, other) = (owner.id, owner.role.other());
    let (_other, attached, held) = match lock::try_hold(id, other) {
        Some(gone) => (gone, 1, Held::default()),
        None => {
            let Some(asleep) = lock::try_awake(id, other) else {
                return false;
            };
            let held = match other {
                Role::Consumer => Held { filled: 1, free: 0 },
                Role::Producer => Held { filled: 0, free: 1 },
            };
            (asleep, 2, held)
        }
    };
    if !shm::stat(id).is_ok_and(|s| s.nattch == attached) {
        return false;
    }
    let Some(plan) =
        open::read_fields(ring.attachment()).and_then(|h| health::plan_around(&h, held).ok())
    else {
        return false;
    };
    match apply(ring, &plan) {
        Ok(applied) if applied.changed() => {
            output::warn(format!(
                "segment {id}: gave back what a killed producer or consumer left in flight ({}); {}",
                describe(&applied),
                if attached == 1 {
                    "nobody else is attached"
                } else {
                    "the other end was waiting"
                }
            ));
            true
        }
        _ => false,
    }
}

/// `3 items offered again, 250 slots freed`.
pub fn describe(a: &Applied) -> String {
    let mut parts = Vec::new();
    if a.offered > 0 {
        parts.push(format!(
            "{} item(s) between tail and head offered again",
            a.offered
        ));
    }
    if a.freed > 0 {
        parts.push(format!("{} slot(s) freed", a.freed));
    }
    if a.withdrawn > 0 {
        parts.push(format!("{} permit(s) too many withdrawn", a.withdrawn));
    }
    if parts.is_empty() {
        "nothing changed".into()
    } else {
        parts.join(", ")
    }
}

/// What `ring repair` does.
#[derive(Clone, Copy, Debug)]
pub struct Settings {
    pub id: ShmId,
    /// Repair although other processes are attached (never while a role is held).
    pub force: bool,
    pub dry_run: bool,
}

/// The role locks (and awake locks) a repair holds while it works, or why it must not.
fn hold_roles(id: ShmId) -> Result<[lock::RoleLock; 4]> {
    let take = |role: Role| {
        lock::try_take(id, role).map_err(|e| {
            if e.status != Status::Failure || !lock::is_held(id, role) {
                return e;
            }
            let who = lock::holder_of(id, role)
                .map(|(pid, comm)| lock::naming(pid, &comm))
                .unwrap_or_default();
            Error::other(format!(
                "segment {id}: a {} is running on this ring{who}: stop it first (a repair sets the semaphores from head and tail, which a running end moves)",
                role.name()
            ))
        })
    };
    // Each role's awake lock too: a role lock held without it is what a sleeping end
    // looks like, and a waiting end would take this repair for a sleeping peer and give
    // back the slots it thinks that peer does not hold.
    let awake = |role: Role| {
        lock::try_awake(id, role).ok_or_else(|| {
            Error::other(format!(
                "segment {id}: a {} is giving back stranded slots on this ring: try again",
                role.name()
            ))
        })
    };
    let producer = take(Role::Producer)?;
    let producer_awake = awake(Role::Producer)?;
    let consumer = take(Role::Consumer)?;
    let consumer_awake = awake(Role::Consumer)?;
    Ok([producer, producer_awake, consumer, consumer_awake])
}

fn fields(before: &Header, after: &Header) -> Vec<FieldRepair> {
    let values = |h: &Header| -> [i64; 7] {
        [
            h.head.into(),
            h.tail.into(),
            h.count.into(),
            h.producer.value.into(),
            h.consumer.value.into(),
            h.producer.waiters.into(),
            h.consumer.waiters.into(),
        ]
    };
    let names = [
        "head",
        "tail",
        "count",
        "free",
        "filled",
        "producer_waiters",
        "consumer_waiters",
    ];
    names
        .into_iter()
        .zip(values(before).into_iter().zip(values(after)))
        .map(|(field, (before, after))| FieldRepair {
            field,
            before,
            after,
        })
        .collect()
}

/// `ring repair`: when no producer or consumer holds the ring and nobody else is attached
/// (or with `force`), set its semaphores, count and waiter counts from head and tail.
/// `others` names the processes attached besides this one, for a refusal.
pub fn run(s: &Settings, others: impl FnOnce(ShmId) -> Vec<String>) -> Result<RepairReport> {
    let id = s.id;
    let what = format!("segment {id}");
    let stat = shm::stat(id).map_err(|e| Error::sys(&what, e))?;
    let layout = usize::try_from(stat.size)
        .ok()
        .and_then(Layout::for_size)
        .ok_or_else(|| {
            Error::new(
                Status::InvalidRing,
                format!(
                    "{what}: not a ring: {}",
                    open::wrong_size(stat.size as usize)
                ),
            )
        })?;
    let _roles = hold_roles(id)?;
    let att = shm::attach(id, s.dry_run).map_err(|e| Error::sys(&what, e))?;
    let attached = shm::stat(id)
        .map(|st| st.nattch.saturating_sub(1))
        .map_err(|e| Error::sys(&what, e))?;
    if attached > 0 && !s.force {
        let who = others(id);
        return Err(Error::other(format!(
            "{what}: {attached} other process(es) attached{}: one may be a producer or consumer that takes no lock (the document's C program); stop them, or repair anyway with --force if none of them moves items",
            if who.is_empty() {
                String::new()
            } else {
                format!(" ({})", who.join(", "))
            }
        )));
    }
    let before = open::read_fields(&att)
        .ok_or_else(|| Error::other(format!("{what}: cannot read the header")))?;
    let verdict = health::assess(&before, Some(attached));
    let plan = health::plan(&before).map_err(|why| {
        Error::new(
            Status::InvalidRing,
            format!("{what}: not a ring that can be repaired: {why}; it is left untouched"),
        )
    })?;
    // Waiter counts are reset only when nobody else is attached: then every counted
    // sleeper is dead. With --force a live sleeper may be counted, and forgetting it would
    // leave it asleep for good.
    let reset_waiters = attached == 0;
    let (after, applied) = if s.dry_run {
        let mut after = before;
        after.producer.value = plan.free;
        after.consumer.value = plan.filled;
        after.count = plan.count;
        if reset_waiters {
            after.producer.waiters = 0;
            after.consumer.waiters = 0;
        }
        let applied = Applied {
            offered: plan.filled.saturating_sub(before.consumer.value),
            freed: plan.free.saturating_sub(before.producer.value),
            withdrawn: before.consumer.value.saturating_sub(plan.filled)
                + before.producer.value.saturating_sub(plan.free),
        };
        (after, applied)
    } else {
        let ring =
            Ring::new(&att).ok_or_else(|| Error::other(format!("{what}: cannot map the ring")))?;
        let applied = apply(&ring, &plan).map_err(|e| Error::other(format!("{what}: {e}")))?;
        if reset_waiters {
            ring.free.reset_waiters();
            ring.filled.reset_waiters();
        }
        let after = open::read_fields(&att)
            .ok_or_else(|| Error::other(format!("{what}: cannot read the header")))?;
        (after, applied)
    };
    let fields = fields(&before, &after);
    Ok(RepairReport {
        shmid: id,
        key: stat.key,
        key_hex: stat.key.to_string(),
        capacity: layout.capacity(),
        dry_run: s.dry_run,
        forced: s.force && attached > 0,
        attached,
        state_before: verdict.state,
        problems_before: verdict.problems,
        changed: fields.iter().any(|f| f.before != f.after),
        fields,
        items_offered_again: applied.offered,
        slots_freed: applied.freed,
        permits_withdrawn: applied.withdrawn,
        state_after: health::assess(&after, Some(attached)).state,
    })
}
