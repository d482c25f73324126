//! A result computed on a named worker thread: start it, poll it each frame, drop it to
//! forget it. Used for analysis results and map overlays so the UI never waits.

use std::sync::mpsc::{Receiver, TryRecvError, channel};

use eframe::egui;

/// Work running on a worker thread.
pub struct Task<T> {
    rx: Receiver<T>,
}

impl<T: Send + 'static> Task<T> {
    /// Runs `work` on a thread named `name`; asks `ctx` to repaint when done. When the
    /// thread cannot be started the work runs here, at once.
    pub fn spawn(
        name: &str,
        ctx: &egui::Context,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Task<T> {
        let (tx, rx) = channel();
        let ctx = ctx.clone();
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
                ctx.request_repaint();
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn task_delivers_its_result() {
        let ctx = egui::Context::default();
        let t = Task::spawn("test-task", &ctx, || 6 * 7);
        let start = std::time::Instant::now();
        loop {
            if let Some(r) = t.poll() {
                assert_eq!(r, Some(42));
                break;
            }
            assert!(start.elapsed().as_secs() < 10, "task never finished");
            std::thread::sleep(std::time::Duration::from_millis(2));
        }
    }
}
