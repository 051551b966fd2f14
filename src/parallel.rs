//! Work spread over the cores, with results in the order of the input (loading, checking and
//! rendering agencies): the same results as one item after the other.

use std::convert::Infallible;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

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
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(items.len());
    if workers <= 1 {
        return items.iter().map(f).collect();
    }
    let next = AtomicUsize::new(0);
    let failed = AtomicBool::new(false);
    let mut done: Vec<(usize, Result<R, E>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
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
