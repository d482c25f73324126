//! What this process has used so far — CPU time, resident memory and its peak — read
//! from Linux's `/proc/self` (`None` elsewhere). The CLI's `--timings` and the
//! benchmarks print them; one reader for both.

/// User + system CPU seconds of the process so far, all threads (`/proc/self/stat`,
/// whose clock ticks are 1/100 s, `USER_HZ`, on every Linux architecture): on a machine
/// shared with other work, a steadier measure of the work done than the wall clock.
pub fn cpu_seconds() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command's closing parenthesis: state is field 3, utime 14, stime 15.
    let rest = s.get(s.rfind(')')? + 1..)?;
    let mut f = rest.split_whitespace().skip(11);
    let utime: u64 = f.next()?.parse().ok()?;
    let stime: u64 = f.next()?.parse().ok()?;
    Some((utime + stime) as f64 / 100.0)
}

/// The resident size now, in MB (`VmRSS`).
pub fn resident_mb() -> Option<u64> {
    status_mb("VmRSS:")
}

/// The largest resident size so far, in MB (`VmHWM`).
pub fn peak_resident_mb() -> Option<u64> {
    status_mb("VmHWM:")
}

/// One kB line of `/proc/self/status`, in MB.
fn status_mb(key: &str) -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb: u64 = s
        .lines()
        .find(|l| l.starts_with(key))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()?;
    Some(kb / 1024)
}

/// Linux only: elsewhere the readers give `None`.
#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    #[test]
    fn the_process_reads_its_cpu_time_and_memory() {
        let before = cpu_seconds().expect("CPU seconds");
        // Some work (a few tens of milliseconds of CPU), kept from being optimised out.
        let mut x = 0u64;
        for i in 0..20_000_000u64 {
            x = x.wrapping_mul(31).wrapping_add(i);
        }
        std::hint::black_box(x);
        assert!(cpu_seconds().expect("CPU seconds") >= before);
        let (now, peak) = (
            resident_mb().expect("VmRSS"),
            peak_resident_mb().expect("VmHWM"),
        );
        assert!(now >= 1 && peak >= now, "{now} / {peak} MB");
    }
}
