//! What the benchmarks read about their own process (Linux `/proc/self`; 0 elsewhere).

/// User + system CPU seconds of the process so far, all threads (`/proc/self/stat`, at
/// the usual 100 ticks a second): on a machine shared with other work, a steadier
/// measure of the work done than the wall clock.
pub fn cpu_seconds() -> f64 {
    std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|s| {
            // Fields after the command name (which is in parentheses): state is the
            // first, utime the 12th, stime the 13th.
            let rest = s.get(s.rfind(')')? + 2..)?;
            let f: Vec<&str> = rest.split_whitespace().collect();
            Some(f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?)
        })
        .map_or(0.0, |ticks| ticks / 100.0)
}

/// A size line of `/proc/self/status` (`VmRSS:`, `VmHWM:`) in MB (0 when there is none).
pub fn status_mb(key: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(key))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        })
        .map_or(0, |kb| kb / 1024)
}
