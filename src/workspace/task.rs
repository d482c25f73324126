//! A result computed on a named worker thread: start it, poll it, drop it to forget it.
//! When the work is done the thread calls a plain wake-up callback ([`Waker`]), so a
//! window can repaint, a command-line run can stop waiting, or a test can do nothing.
//! Knows no GUI.

use std::sync::Arc;
use std::sync::mpsc::{Receiver, TryRecvError, channel};

/// Called (from the worker thread) when a task's result is ready.
pub type Waker = Arc<dyn Fn() + Send + Sync>;

/// A waker that does nothing (for callers that poll or block).
pub fn no_wake() -> Waker {
    Arc::new(|| {})
}

/// Work running on a worker thread.
pub struct Task<T> {
    rx: Receiver<T>,
}

impl<T> std::fmt::Debug for Task<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Task")
    }
}

impl<T: Send + 'static> Task<T> {
    /// Runs `work` on a thread named `name`; calls `wake` when done. When the thread
    /// cannot be started the work runs here, at once.
    pub fn spawn(name: &str, wake: Waker, work: impl FnOnce() -> T + Send + 'static) -> Task<T> {
        let (tx, rx) = channel();
        let slot = std::sync::Arc::new(std::sync::Mutex::new(Some(work)));
        let slot2 = slot.clone();
        let tx2 = tx.clone();
        let spawned = std::thread::Builder::new()
            .name(name.to_string())
            .spawn(move || {
                let work = slot2.lock().ok().and_then(|mut w| w.take());
                if let Some(work) = work {
                    let _ = tx2.send(work());
                }
                wake();
            });
        if spawned.is_err() {
            let work = slot.lock().ok().and_then(|mut w| w.take());
            if let Some(work) = work {
                let _ = tx.send(work());
            }
        }
        Task { rx }
    }

    /// The result, once ready. `Some(None)` means the worker died without a result.
    pub fn poll(&self) -> Option<Option<T>> {
        match self.rx.try_recv() {
            Ok(v) => Some(Some(v)),
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => Some(None),
        }
    }

    /// Waits for the result. `None` means the worker died without a result.
    pub fn wait(self) -> Option<T> {
        self.rx.recv().ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn task_delivers_its_result_and_wakes() {
        let woken = Arc::new(AtomicUsize::new(0));
        let w = woken.clone();
        let t = Task::spawn(
            "test-task",
            Arc::new(move || {
                w.fetch_add(1, Ordering::SeqCst);
            }),
            || 6 * 7,
        );
        let start = std::time::Instant::now();
        loop {
            if let Some(r) = t.poll() {
                assert_eq!(r, Some(42));
                break;
            }
            assert!(start.elapsed().as_secs() < 10, "task never finished");
            std::thread::sleep(std::time::Duration::from_millis(2));
        }
        // The wake-up follows the send; give it a moment.
        while woken.load(Ordering::SeqCst) == 0 {
            assert!(start.elapsed().as_secs() < 10, "never woken");
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
    }

    #[test]
    fn wait_blocks_until_done() {
        let t = Task::spawn("test-wait", no_wake(), || "done");
        assert_eq!(t.wait(), Some("done"));
    }
}
