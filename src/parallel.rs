//! Work spread over the cores, with results in the order of the input (loading, checking and
//! rendering agencies): the same results as one item after the other.

use std::convert::Infallible;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex};

/// A core kept for a long task running beside a parallel map: the search index, which is one
/// thread's work, beside the pages. While the core is held, `try_map_beside` runs one worker
/// fewer; that worker joins the map when the hold ends (the map's work then spreads over every
/// core). The long task so runs on a core of its own instead of finishing alone after the map,
/// with a core idle.
#[derive(Debug)]
pub(crate) struct Hold {
    held: Mutex<bool>,
    ended: Condvar,
}

impl Hold {
    /// A hold in force until `end` (or the guard's drop).
    pub(crate) fn held() -> Self {
        Hold {
            held: Mutex::new(true),
            ended: Condvar::new(),
        }
    }

    /// Ends the hold when the guard goes, also on an error or a panic of the long task.
    pub(crate) fn guard(&self) -> HoldGuard<'_> {
        HoldGuard(self)
    }

    fn end(&self) {
        *self.held.lock().unwrap_or_else(|e| e.into_inner()) = false;
        self.ended.notify_all();
    }

    /// Waits until the hold ends or `wanted` is false (checked when `wake` is called).
    fn wait_while(&self, wanted: impl Fn() -> bool) {
        let mut held = self.held.lock().unwrap_or_else(|e| e.into_inner());
        while *held && wanted() {
            held = self.ended.wait(held).unwrap_or_else(|e| e.into_inner());
        }
    }

    /// Has the waiting worker check again whether it is still wanted.
    fn wake(&self) {
        let _held = self.held.lock().unwrap_or_else(|e| e.into_inner());
        self.ended.notify_all();
    }
}

/// Ends a `Hold` when dropped.
pub(crate) struct HoldGuard<'a>(&'a Hold);

impl Drop for HoldGuard<'_> {
    fn drop(&mut self) {
        self.0.end();
    }
}

/// `f` of every item, on as many threads as there are cores (at most one per item), in the
/// order of `items`. A panic in `f` is carried on as the same panic.
pub(crate) fn map_in_order<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    match try_map_in_order(items, |item| Ok::<R, Infallible>(f(item))) {
        Ok(results) => results,
        Err(never) => match never {},
    }
}

/// `f` of every item as `map_in_order`, stopping at the first error: no item is started after
/// one has failed, and the error of the earliest failed item is returned. A panic in `f` is
/// carried on as the same panic.
pub(crate) fn try_map_in_order<T: Sync, R: Send, E: Send>(
    items: &[T],
    f: impl Fn(&T) -> Result<R, E> + Sync,
) -> Result<Vec<R>, E> {
    try_map_beside(items, None, f)
}

/// `try_map_in_order` beside a task that holds a core (`hold`): one worker waits for the hold
/// to end before it takes items.
pub(crate) fn try_map_beside<T: Sync, R: Send, E: Send>(
    items: &[T],
    hold: Option<&Hold>,
    f: impl Fn(&T) -> Result<R, E> + Sync,
) -> Result<Vec<R>, E> {
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(items.len());
    if workers <= 1 {
        return items.iter().map(f).collect();
    }
    let next = AtomicUsize::new(0);
    let failed = AtomicBool::new(false);
    let mut done: Vec<(usize, Result<R, E>)> = std::thread::scope(|scope| {
        let (next, failed, f) = (&next, &failed, &f);
        let handles: Vec<_> = (0..workers)
            .map(|worker| {
                scope.spawn(move || {
                    if worker + 1 == workers
                        && let Some(hold) = hold
                    {
                        // Not wanted any more once every item is taken or one has failed.
                        hold.wait_while(|| {
                            next.load(Ordering::Relaxed) < items.len()
                                && !failed.load(Ordering::Relaxed)
                        });
                    }
                    let mut done = Vec::new();
                    while !failed.load(Ordering::Relaxed) {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(item) = items.get(i) else {
                            break;
                        };
                        let result = f(item);
                        if result.is_err() {
                            failed.store(true, Ordering::Relaxed);
                        }
                        done.push((i, result));
                    }
                    if let Some(hold) = hold {
                        hold.wake();
                    }
                    done
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    });
    done.sort_unstable_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, r)| r).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn results_keep_the_order_of_the_items() {
        let items: Vec<u64> = (0..1000).collect();
        let squares = super::map_in_order(&items, |n| n * n);
        assert_eq!(squares, items.iter().map(|n| n * n).collect::<Vec<_>>());
        assert!(super::map_in_order(&[] as &[u64], |n| *n).is_empty());
    }

    #[test]
    fn a_map_beside_a_held_core_ends_without_waiting_for_the_hold() {
        // The hold is never ended during the map: the waiting worker is not wanted once the
        // other has taken every item, so the map returns, with every result in order.
        let hold = super::Hold::held();
        let items: Vec<u64> = (0..200).collect();
        let doubled = super::try_map_beside(&items, Some(&hold), |n| Ok::<_, ()>(n * 2));
        assert_eq!(doubled, Ok(items.iter().map(|n| n * 2).collect::<Vec<_>>()));
        // Ended while the map runs: the waiting worker joins in; same results.
        let hold = super::Hold::held();
        let seen = std::sync::atomic::AtomicUsize::new(0);
        let squares = std::thread::scope(|scope| {
            scope.spawn(|| {
                let _ended = hold.guard();
                while seen.load(std::sync::atomic::Ordering::Relaxed) < 10 {
                    std::thread::yield_now();
                }
            });
            super::try_map_beside(&items, Some(&hold), |n| {
                seen.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                Ok::<_, ()>(n * n)
            })
        });
        assert_eq!(squares, Ok(items.iter().map(|n| n * n).collect::<Vec<_>>()));
    }

    #[test]
    fn the_first_error_stops_the_work() {
        let items: Vec<u64> = (0..1000).collect();
        let started = std::sync::atomic::AtomicUsize::new(0);
        let result = super::try_map_in_order(&items, |n| {
            started.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            if *n >= 10 { Err(*n) } else { Ok(*n) }
        });
        // The earliest item that failed, of those started; nothing much after it was started.
        assert_eq!(result, Err(10));
        assert!(started.into_inner() < 100);
        assert_eq!(
            super::try_map_in_order(&items[..10], |n| Ok::<_, ()>(*n)),
            Ok(items[..10].to_vec())
        );
    }
}
