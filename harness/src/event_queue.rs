//! The orderer's queue of events not yet handed out, over a buffer that recycles the
//! events of the chunk handed out before.
//!
//! Every event holds its generation's tables through an `Rc`, and nearly every event of a
//! chunk holds the same one. Dropping a handed-out chunk and cloning the `Rc` into each new
//! event cost a count down and a count up per event, each a read-modify-write of the same
//! word, one after another. Instead, the chunk a caller hands back stays alive in the
//! buffer, and a new event overwrites an old one field by field, keeping its `Rc` when it
//! already points at the right tables.

use std::rc::Rc;

use crate::event::{EvTable, Event, SchedCtx};
use crate::spec::{EventType, MAX_ARGS};

/// Events in order, the first `len` slots of `buf`; the slots after them hold live events
/// of an earlier chunk (or of a truncation), to be overwritten or dropped.
#[derive(Debug, Default)]
pub(crate) struct EventQueue {
    buf: Vec<Event>,
    len: usize,
}

impl EventQueue {
    /// Events queued.
    #[inline(always)]
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Whether no event is queued.
    #[inline(always)]
    pub(crate) fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Appends an event of the current generation's tables `table`.
    #[inline(always)]
    pub(crate) fn push(
        &mut self,
        ctx: SchedCtx,
        ty: EventType,
        time: i64,
        args: [u64; MAX_ARGS],
        table: &Rc<EvTable>,
    ) {
        if let Some(slot) = self.buf.get_mut(self.len) {
            slot.ctx = ctx;
            slot.ty = ty;
            slot.time = time;
            slot.args = args;
            // As raw pointers, `None` is null and never equal: one compare, where
            // matching the `Option` first costs a test and two flags.
            let held = slot.table.as_ref().map_or(std::ptr::null(), Rc::as_ptr);
            if held != Rc::as_ptr(table) {
                slot.table = Some(table.clone());
            }
        } else {
            push_in_place(&mut self.buf, || Event {
                ctx,
                ty,
                time,
                args,
                table: Some(table.clone()),
            });
        }
        self.len += 1;
    }

    /// Appends `event` as it is (a Sync, a CPU sample: events made outside the state
    /// machine, rare enough to be moved in whole).
    pub(crate) fn push_event(&mut self, event: Event) {
        if let Some(slot) = self.buf.get_mut(self.len) {
            *slot = event;
        } else {
            self.buf.push(event);
        }
        self.len += 1;
    }

    /// The queued events from `start` on.
    #[inline(always)]
    pub(crate) fn events_mut_from(&mut self, start: usize) -> &mut [Event] {
        &mut self.buf[start.min(self.len)..self.len]
    }

    /// Keeps the first `len` events; the rest are left to be overwritten.
    pub(crate) fn truncate(&mut self, len: usize) {
        self.len = self.len.min(len);
    }

    /// Moves the queued events into `out`, in order, and takes `out`'s old events as the
    /// slots to overwrite next.
    pub(crate) fn hand_out(&mut self, out: &mut Vec<Event>) {
        self.buf.truncate(self.len);
        std::mem::swap(out, &mut self.buf);
        self.len = 0;
    }

    /// Takes the first queued event out.
    pub(crate) fn pop_front(&mut self) -> Option<Event> {
        if self.len == 0 {
            return None;
        }
        self.buf.truncate(self.len);
        self.len -= 1;
        Some(self.buf.remove(0))
    }
}

/// Appends the event `make` returns to `queue`, built where it will live: `push` builds
/// it on the stack first (it must survive the call that may grow the vector), and
/// copying it out read the type byte back as part of a wider word just after writing it
/// alone, a store-forwarding stall on every queued event.
#[inline(always)]
fn push_in_place(queue: &mut Vec<Event>, make: impl FnOnce() -> Event) {
    queue.reserve(1);
    queue.spare_capacity_mut()[0].write(make());
    // SAFETY: the slot just past the length was initialized on the line above.
    unsafe { queue.set_len(queue.len() + 1) };
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generation::Generation;
    use crate::version::Version;

    fn table() -> Rc<EvTable> {
        Rc::new(EvTable::new(Generation::default(), Version::Go126))
    }

    fn times(events: &[Event]) -> Vec<i64> {
        events.iter().map(|e| e.time).collect()
    }

    /// Chunks handed out and handed back are overwritten in place; what comes out is
    /// always exactly what went in, with the right tables, and no table is kept alive by
    /// a slot that was not overwritten.
    #[test]
    fn recycled_slots_hand_out_exactly_the_queued_events() {
        let (a, b) = (table(), table());
        let mut q = EventQueue::default();
        let mut out = Vec::new();
        for t in 0..5 {
            q.push(SchedCtx::NONE, 1, t, [t as u64; MAX_ARGS], &a);
        }
        q.hand_out(&mut out);
        assert_eq!(times(&out), [0, 1, 2, 3, 4]);
        assert_eq!(Rc::strong_count(&a), 6);
        // Take the chunk back: three events overwrite three of its five.
        q.hand_out(&mut out);
        assert!(out.is_empty());
        q.push(SchedCtx::NONE, 2, 10, [7; MAX_ARGS], &a);
        q.push(SchedCtx::NONE, 2, 11, [8; MAX_ARGS], &b);
        q.push_event(Event {
            ctx: SchedCtx::NONE,
            ty: 3,
            time: 12,
            args: [0; MAX_ARGS],
            table: None,
        });
        assert_eq!(q.len(), 3);
        q.hand_out(&mut out);
        assert_eq!(times(&out), [10, 11, 12]);
        assert_eq!(out[0].args, [7; MAX_ARGS]);
        assert!(Rc::ptr_eq(out[1].table.as_ref().unwrap(), &b));
        assert!(out[2].table.is_none());
        // The two slots not overwritten were dropped when the chunk went out.
        assert_eq!(Rc::strong_count(&a), 2);
        assert_eq!(Rc::strong_count(&b), 2);
        drop(out);
        drop(q);
        assert_eq!((Rc::strong_count(&a), Rc::strong_count(&b)), (1, 1));
    }

    #[test]
    fn truncation_and_pop_front_keep_order() {
        let a = table();
        let mut q = EventQueue::default();
        for t in 0..4 {
            q.push(SchedCtx::NONE, 1, t, [0; MAX_ARGS], &a);
        }
        q.truncate(3);
        assert_eq!(times(q.events_mut_from(1)), [1, 2]);
        assert_eq!(q.pop_front().map(|e| e.time), Some(0));
        q.push(SchedCtx::NONE, 1, 9, [0; MAX_ARGS], &a);
        assert_eq!(times(q.events_mut_from(0)), [1, 2, 9]);
        assert!(!q.is_empty());
        drop(q);
        assert_eq!(Rc::strong_count(&a), 1);
    }
}
