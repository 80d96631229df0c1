//! The disk spool: audit records that could not reach the sink yet, in arrival order.
//!
//! A JSONL file plus a byte offset of what was already replayed. The offset is advanced
//! (atomically, via rename) only after the sink accepted a chunk; when everything is
//! replayed the offset goes back to 0 first and the file is truncated second. A crash can
//! at worst replay a chunk twice, which the Postgres sink ignores by request id.
//!
//! Only whole lines count. A crash (or a full disk) in the middle of an append leaves a
//! torn last line, of records whose append never returned: the next append closes it off
//! with a newline first, so it is read as one unreadable line and never glues onto a good
//! record.
//!
//! Two processes can share a spool: the old and the new one of a graceful upgrade. Every
//! change (an append, an offset, the reset) is made under an exclusive lock on a file
//! beside it, which also holds the spool's generation: each reset counts one up, so a
//! process whose view is of an older generation starts the file over from its beginning
//! instead of trusting its offset in it (records read twice are skipped by the sink;
//! records skipped would be lost).

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use parking_lot::Mutex;

use super::AuditRecord;

pub struct Spool {
    data: PathBuf,
    offset_file: PathBuf,
    lock_file: PathBuf,
    state: Mutex<State>,
}

struct State {
    /// The generation of the file `offset` and `len` are about.
    generation: u64,
    offset: u64,
    /// Bytes of the file known to end in whole lines; anything after is a torn append (or
    /// another process's, during a graceful upgrade).
    len: u64,
    /// Lines after `offset`, readable or not.
    pending: usize,
    /// Bytes of the lines the last `peek` read, readable or not, so `consume` can move past
    /// all of them.
    peeked: Vec<u64>,
    /// The unreadable lines among them, kept aside once they are moved past.
    rejected: Vec<(Vec<u8>, String)>,
}

impl State {
    /// What `data` holds past `offset`: whole lines only.
    fn read(data: &Path, generation: u64, mut offset: u64) -> io::Result<State> {
        let (mut len, mut pending, mut lines) = (0, 0, 0);
        if let Ok(f) = File::open(data) {
            let mut r = BufReader::new(f);
            let mut line = Vec::new();
            loop {
                line.clear();
                let n = r.read_until(b'\n', &mut line)? as u64;
                if n == 0 || line.last() != Some(&b'\n') {
                    break;
                }
                len += n;
                lines += 1;
                if len > offset {
                    pending += 1;
                }
            }
        }
        // The offset outran the file: a crash between its write and a truncation, or a
        // file replaced by hand. What the file holds was not replayed.
        if offset > len {
            offset = 0;
            pending = lines;
        }
        Ok(State {
            generation,
            offset,
            len,
            pending,
            peeked: Vec::new(),
            rejected: Vec::new(),
        })
    }
}

impl Spool {
    /// Opens (or creates) the spool in `dir`, counting what an earlier run left behind.
    pub fn open(dir: &Path) -> io::Result<Spool> {
        fs::create_dir_all(dir)?;
        let data = dir.join("audit-spool.jsonl");
        let offset_file = dir.join("audit-spool.offset");
        let lock_file = dir.join("audit-spool.lock");
        // Taken before the offset is read: a reset in between would make it another file's.
        let lock = Exclusive::take(&lock_file)?;
        let offset = fs::read_to_string(&offset_file)
            .ok()
            .and_then(|s| s.trim().parse::<u64>().ok())
            .unwrap_or(0);
        let state = State::read(&data, lock.generation(), offset)?;
        if state.offset != offset {
            // Written down at once: a stale offset on disk would hide records on the next
            // start, once the file has grown past it again.
            write_atomic(&offset_file, b"0")?;
        }
        Ok(Spool {
            data,
            offset_file,
            lock_file,
            state: Mutex::new(state),
        })
    }

    /// Our view is of a file another process has since reset (or one cut from outside):
    /// start over from the beginning of the file there is now.
    fn resync(&self, st: &mut State, generation: u64) -> io::Result<()> {
        *st = State::read(&self.data, generation, 0)?;
        Ok(())
    }

    /// Records not yet replayed.
    pub fn pending(&self) -> usize {
        self.state.lock().pending
    }

    /// Appends records and syncs them to disk before returning.
    pub fn append(&self, records: &[AuditRecord]) -> io::Result<()> {
        let mut buf = Vec::with_capacity(records.len() * 512);
        for r in records {
            serde_json::to_writer(&mut buf, r).map_err(io::Error::other)?;
            buf.push(b'\n');
        }
        let mut st = self.state.lock();
        let lock = Exclusive::take(&self.lock_file)?;
        let generation = lock.generation();
        let mut f = OpenOptions::new()
            .create(true)
            .read(true)
            .append(true)
            .open(&self.data)?;
        let on_disk = f.metadata()?.len();
        if generation != st.generation {
            // The other process of an upgrade replayed the file and reset it.
            self.resync(&mut st, generation)?;
        } else if on_disk < st.len {
            // Shrunk from outside: replay all it holds (duplicates are skipped; an old offset
            // could start mid-record), rather than pad it to the old length and glue the
            // next record onto the padding.
            tracing::error!(
                expected = st.len,
                found = on_disk,
                "audit spool file changed under the proxy; replaying it from the start"
            );
            self.resync(&mut st, generation)?;
            write_atomic(&self.offset_file, b"0")?;
        }
        // A torn last line (a crash or a failed append mid-write) is closed off, to be
        // passed over as one unreadable line, rather than cut: during a graceful upgrade
        // the old process appends to the same file, and cutting could destroy its record.
        let mut last = [0u8; 1];
        let torn = on_disk > 0
            && std::os::unix::fs::FileExt::read_exact_at(&f, &mut last, on_disk - 1).is_ok()
            && last[0] != b'\n';
        if torn {
            buf.insert(0, b'\n');
        }
        f.write_all(&buf)?;
        f.sync_data()?;
        // Everything up to here ends with a newline (appends never interleave), another
        // process's records included.
        st.len = f.metadata()?.len();
        st.pending += records.len() + usize::from(torn);
        Ok(())
    }

    /// The oldest records not yet replayed: at most `max` of them, read until `max_bytes`
    /// of lines are (the line that crosses it is kept): an encrypted prompt makes a record
    /// megabytes long, and a chunk too large to insert before the replay's timeout would
    /// be retried forever. An unreadable line is passed, and copied to the `.rejected` file
    /// beside the spool when [`consume_peeked`](Self::consume_peeked) moves past it.
    pub fn peek(&self, max: usize, max_bytes: u64) -> io::Result<Vec<AuditRecord>> {
        let mut st = self.state.lock();
        st.peeked.clear();
        st.rejected.clear();
        let f = match File::open(&self.data) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(e),
        };
        // Read without the lock: a reset just after is caught by `consume_peeked`.
        let generation = read_generation(&self.lock_file);
        if generation != st.generation {
            self.resync(&mut st, generation)?;
        }
        let mut f = f;
        f.seek(SeekFrom::Start(st.offset))?;
        // Whole lines only: a torn append after them is never read. Bytes, not a String,
        // so a line that is not UTF-8 is one unreadable line rather than an error that
        // stops every replay behind it.
        let mut r = BufReader::new(f.take(st.len.saturating_sub(st.offset)));
        let mut out = Vec::new();
        let mut line = Vec::new();
        let mut bytes = 0;
        // Unreadable lines count towards the bytes too: they are held until consumed.
        while out.len() < max && (st.peeked.is_empty() || bytes < max_bytes) {
            line.clear();
            let n = r.read_until(b'\n', &mut line)? as u64;
            if n == 0 || line.last() != Some(&b'\n') {
                break;
            }
            match serde_json::from_slice::<AuditRecord>(&line) {
                Ok(rec) => out.push(rec),
                Err(e) => st.rejected.push((line.clone(), e.to_string())),
            }
            st.peeked.push(n);
            bytes += n;
        }
        Ok(out)
    }

    /// Bytes of the lines the last [`peek`](Self::peek) read.
    pub fn peeked_bytes(&self) -> u64 {
        self.state.lock().peeked.iter().sum()
    }

    /// Keeps an unreadable line where a person can look at it (it may carry a refund owed)
    /// as the replay moves past it: once, however often a failing replay read it.
    fn reject(&self, line: &[u8], e: &str) {
        let path = self.data.with_extension("rejected");
        let kept = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .and_then(|mut f| f.write_all(line));
        match kept {
            Ok(()) => tracing::error!(error = %e, file = %path.display(),
                "an unreadable audit spool line was moved aside"),
            Err(w) => tracing::error!(error = %e, write_error = %w, file = %path.display(),
                "an unreadable audit spool line is skipped and could not be kept"),
        }
    }

    /// Marks every line the last `peek` read as done: its records are in the sink.
    pub fn consume_peeked(&self) -> io::Result<()> {
        let mut st = self.state.lock();
        let mut lock = Exclusive::take(&self.lock_file)?;
        let generation = lock.generation();
        let advance: u64 = st.peeked.iter().sum();
        let lines = st.peeked.len();
        st.peeked.clear();
        for (line, e) in std::mem::take(&mut st.rejected) {
            self.reject(&line, &e);
        }
        let on_disk = match fs::metadata(&self.data) {
            Ok(m) => m.len(),
            Err(e) if e.kind() == io::ErrorKind::NotFound => 0,
            Err(e) => return Err(e),
        };
        // Another process reset the file since we read it: what we just replayed came from
        // the old one, and the offset on disk is of the new one. A file shorter than our
        // view was reset too: `peek` reads the generation without the lock, so it can see
        // a reset's new generation and still read the file it is about to truncate.
        if generation != st.generation || on_disk < st.len {
            return self.resync(&mut st, generation);
        }
        st.offset += advance;
        st.pending = st.pending.saturating_sub(lines);
        if st.offset >= st.len {
            if on_disk > st.offset {
                // Another process appended meanwhile (the old one, in a graceful upgrade):
                // its records are read next time, not truncated away.
                st.len = on_disk;
                st.pending = st.pending.max(1);
                return write_atomic(&self.offset_file, st.offset.to_string().as_bytes());
            }
            // Everything replayed: start the next outage from an empty file, of a new
            // generation so the other process of an upgrade sees it changed. The offset goes
            // to 0 first; truncating first, a crash in between would leave an offset past
            // the end that hid the next outage's first records.
            let next = generation.wrapping_add(1);
            lock.set_generation(next)?;
            write_atomic(&self.offset_file, b"0")?;
            File::create(&self.data)?;
            *st = State::read(&self.data, next, 0)?;
            return Ok(());
        }
        write_atomic(&self.offset_file, st.offset.to_string().as_bytes())
    }
}

#[cfg(test)]
impl Spool {
    /// The request ids `peek` returns, for tests.
    pub(super) fn peek_ids(&self, max: usize) -> Vec<String> {
        let records = self.peek(max, u64::MAX).expect("spool readable");
        records.into_iter().map(|r| r.request_id).collect()
    }
}

/// The generation the lock file holds; 0 when it is missing or unreadable (a process that
/// then disagrees starts over, which repeats records and loses none).
fn read_generation(lock_file: &Path) -> u64 {
    fs::read_to_string(lock_file)
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(0)
}

/// An exclusive `flock` on the spool's lock file, held until dropped; it orders the changes
/// of two processes sharing the spool. `flock` rather than `File::lock`: the crate's MSRV
/// predates it.
struct Exclusive {
    file: File,
    path: PathBuf,
}

impl Exclusive {
    fn generation(&self) -> u64 {
        read_generation(&self.path)
    }

    fn set_generation(&mut self, generation: u64) -> io::Result<()> {
        use std::os::unix::fs::FileExt;
        let text = generation.to_string();
        self.file.set_len(0)?;
        self.file.write_all_at(text.as_bytes(), 0)?;
        self.file.sync_data()
    }

    fn take(path: &Path) -> io::Result<Exclusive> {
        use std::os::fd::AsRawFd;
        let f = OpenOptions::new()
            .create(true)
            .truncate(false)
            .read(true)
            .write(true)
            .open(path)?;
        loop {
            // SAFETY: `flock` takes a descriptor `f` owns and keeps open for the call; it
            // reads and writes no memory of ours.
            let rc = unsafe { libc::flock(f.as_raw_fd(), libc::LOCK_EX) };
            if rc == 0 {
                return Ok(Exclusive {
                    file: f,
                    path: path.to_owned(),
                });
            }
            let e = io::Error::last_os_error();
            if e.kind() != io::ErrorKind::Interrupted {
                return Err(e);
            }
        }
    }
}

/// Replaces `path` with `data`, durably where the file system allows: the rename is
/// synced through the directory, or a power cut could keep an older offset beside newer
/// data.
fn write_atomic(path: &Path, data: &[u8]) -> io::Result<()> {
    let tmp = path.with_extension("tmp");
    let mut f = File::create(&tmp)?;
    f.write_all(data)?;
    f.sync_data()?;
    fs::rename(&tmp, path)?;
    // Best effort, as PostgreSQL does: some file systems refuse to sync a directory, and
    // the rename has happened either way.
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    if let Err(e) = File::open(dir).and_then(|d| d.sync_all()) {
        tracing::debug!(error = %e, "audit spool directory not synced");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(id: &str) -> AuditRecord {
        AuditRecord::new(id.into(), None)
    }

    /// Bytes written to the spool file behind its back, as a crash or a hand edit would.
    fn append_raw(dir: &Path, bytes: &[u8]) {
        let data = dir.join("audit-spool.jsonl");
        let mut f = OpenOptions::new().append(true).open(data).unwrap();
        f.write_all(bytes).unwrap();
    }

    /// The old and the new process of a graceful upgrade share the spool: one replays it
    /// all and starts a new file while the other still holds its view of the old one.
    #[test]
    fn two_processes_sharing_a_spool_lose_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (
            Spool::open(dir.path()).unwrap(),
            Spool::open(dir.path()).unwrap(),
        );
        a.append(&[rec("a1")]).unwrap();
        b.append(&[rec("b1")]).unwrap();
        assert_eq!(a.peek_ids(10), ["a1"]);
        a.consume_peeked().unwrap();
        // `b` replays both and starts a new file, then spools more into it.
        assert_eq!(b.peek_ids(10), ["a1", "b1"]);
        b.consume_peeked().unwrap();
        b.append(&[rec("b2"), rec("b3")]).unwrap();
        // `a` still has the old file in view, its offset past `a1`: it reads the new file
        // from its start, and writes nothing down that would skip a record of it.
        assert_eq!(a.peek_ids(10), ["b2", "b3"]);
        assert_eq!(Spool::open(dir.path()).unwrap().peek_ids(10), ["b2", "b3"]);
        a.consume_peeked().unwrap();
        assert!(Spool::open(dir.path()).unwrap().peek_ids(10).is_empty());
        b.append(&[rec("b4")]).unwrap();
        assert_eq!(b.peek_ids(10), ["b4"]);
    }

    /// `peek` reads the generation without the lock: it can see a reset's new generation
    /// while the file still holds what the reset is about to truncate.
    #[test]
    fn a_peek_in_the_middle_of_another_process_reset_loses_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let a = Spool::open(dir.path()).unwrap();
        a.append(&[rec("x1"), rec("x2")]).unwrap();
        let b = Spool::open(dir.path()).unwrap();
        // The reset has counted the generation up, not yet truncated the file ...
        fs::write(dir.path().join("audit-spool.lock"), "1").unwrap();
        assert_eq!(b.peek_ids(10), ["x1", "x2"]);
        // ... then it truncates, and a new record is spooled, shorter than what `b` read.
        File::create(dir.path().join("audit-spool.jsonl")).unwrap();
        a.append(&[rec("r1")]).unwrap();
        b.consume_peeked().unwrap();
        assert_eq!(b.peek_ids(10), ["r1"]);
        assert_eq!(Spool::open(dir.path()).unwrap().peek_ids(10), ["r1"]);
    }

    #[test]
    fn records_come_back_in_order_and_survive_a_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let s = Spool::open(dir.path()).unwrap();
        s.append(&[rec("a"), rec("b")]).unwrap();
        s.append(&[rec("c")]).unwrap();
        let first = s.peek(2, u64::MAX).unwrap();
        assert_eq!(
            first
                .iter()
                .map(|r| r.request_id.as_str())
                .collect::<Vec<_>>(),
            ["a", "b"]
        );
        s.consume_peeked().unwrap();
        drop(s);
        let s = Spool::open(dir.path()).unwrap();
        assert_eq!(s.pending(), 1);
        let rest = s.peek(10, u64::MAX).unwrap();
        assert_eq!(rest[0].request_id, "c");
        s.consume_peeked().unwrap();
        assert_eq!(s.pending(), 0);
        assert_eq!(
            fs::metadata(dir.path().join("audit-spool.jsonl"))
                .unwrap()
                .len(),
            0
        );
    }

    #[test]
    fn a_torn_last_line_is_left_for_later() {
        let dir = tempfile::tempdir().unwrap();
        let s = Spool::open(dir.path()).unwrap();
        s.append(&[rec("a")]).unwrap();
        append_raw(dir.path(), b"{\"request_id\":\"torn");
        assert_eq!(s.peek(10, u64::MAX).unwrap().len(), 1);
    }

    /// A crash mid-append leaves a torn line: the reopened spool counts only whole lines,
    /// and the next append closes the tear off instead of gluing a record onto it.
    #[test]
    fn a_torn_append_is_closed_off_not_glued_to_the_next_record() {
        let dir = tempfile::tempdir().unwrap();
        let s = Spool::open(dir.path()).unwrap();
        s.append(&[rec("a")]).unwrap();
        drop(s);
        append_raw(dir.path(), b"{\"request_id\":\"torn");
        let s = Spool::open(dir.path()).unwrap();
        assert_eq!(s.pending(), 1);
        s.append(&[rec("b")]).unwrap();
        assert_eq!(s.peek_ids(10), ["a", "b"]);
        // a, the closed-off tear (passed over when read), b.
        assert_eq!(s.pending(), 3);
    }

    /// During a graceful upgrade two processes append to one spool: neither cuts off what
    /// the other wrote.
    #[test]
    fn two_processes_appending_keep_each_others_records() {
        let dir = tempfile::tempdir().unwrap();
        let old = Spool::open(dir.path()).unwrap();
        old.append(&[rec("a")]).unwrap();
        let new = Spool::open(dir.path()).unwrap();
        old.append(&[rec("b")]).unwrap();
        new.append(&[rec("c")]).unwrap();
        old.append(&[rec("d")]).unwrap();
        assert_eq!(
            Spool::open(dir.path()).unwrap().peek_ids(10),
            ["a", "b", "c", "d"]
        );
    }

    /// One process replaying all it knows of a shared spool does not truncate away what
    /// the other appended meanwhile.
    #[test]
    fn a_drained_spool_keeps_what_another_process_appended() {
        let dir = tempfile::tempdir().unwrap();
        let old = Spool::open(dir.path()).unwrap();
        old.append(&[rec("a")]).unwrap();
        let new = Spool::open(dir.path()).unwrap();
        new.append(&[rec("b")]).unwrap();
        assert_eq!(old.peek(10, u64::MAX).unwrap().len(), 1);
        old.consume_peeked().unwrap();
        assert!(old.pending() > 0, "b is still to replay");
        assert_eq!(old.peek_ids(10), ["b"]);
        old.consume_peeked().unwrap();
        assert_eq!(old.pending(), 0);
    }

    /// An offset past the end of the file (a crash between writing it and truncating, in
    /// the old order) replays the whole file instead of hiding its first records.
    #[test]
    fn an_offset_past_the_end_replays_from_the_start() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("audit-spool.offset"), "50000").unwrap();
        let s = Spool::open(dir.path()).unwrap();
        s.append(&[rec("a"), rec("b")]).unwrap();
        drop(s);
        let s = Spool::open(dir.path()).unwrap();
        assert_eq!(s.pending(), 2);
        assert_eq!(s.peek(10, u64::MAX).unwrap().len(), 2);
        // The reset offset is on disk too: a file grown past the stale one would hide
        // records on the next start.
        let on_disk = fs::read_to_string(dir.path().join("audit-spool.offset")).unwrap();
        assert_eq!(on_disk, "0");
    }

    /// A line that is not even UTF-8 is one unreadable line, not an error that stops every
    /// replay; a spool file shrunk from outside is re-read, not padded.
    #[test]
    fn bad_bytes_and_a_shrunk_file_lose_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("audit-spool.jsonl");
        let s = Spool::open(dir.path()).unwrap();
        s.append(&[rec("a")]).unwrap();
        append_raw(dir.path(), b"\xff\xfe not utf-8\n");
        drop(s);
        let s = Spool::open(dir.path()).unwrap();
        s.append(&[rec("b")]).unwrap();
        assert_eq!(s.peek_ids(10), ["a", "b"]);

        fs::write(&data, b"").unwrap();
        s.append(&[rec("c")]).unwrap();
        assert_eq!(s.peek_ids(10), ["c"]);
        assert_eq!(s.pending(), 1);
    }

    /// An unreadable line is passed over once, and the records around it are replayed once.
    #[test]
    fn an_unreadable_line_is_consumed_with_its_chunk() {
        let dir = tempfile::tempdir().unwrap();
        let s = Spool::open(dir.path()).unwrap();
        s.append(&[rec("a")]).unwrap();
        drop(s);
        append_raw(dir.path(), b"not json\n");
        let s = Spool::open(dir.path()).unwrap();
        s.append(&[rec("b"), rec("c")]).unwrap();
        assert_eq!(s.pending(), 4);
        // A replay that fails reads the same lines again: the bad one is kept aside once.
        s.peek(2, u64::MAX).unwrap();
        let first = s.peek(2, u64::MAX).unwrap();
        assert_eq!(first.len(), 2, "a, then the bad line, then b");
        s.consume_peeked().unwrap();
        let rest: Vec<String> = s.peek_ids(10);
        assert_eq!(rest, ["c"]);
        s.consume_peeked().unwrap();
        assert_eq!(s.pending(), 0);
        // The bad line is kept aside for a person, as it was.
        let kept = fs::read(dir.path().join("audit-spool.rejected")).unwrap();
        assert_eq!(kept, b"not json\n");
        // Unreadable lines count towards a chunk's bytes: a spool of them is not read
        // into memory whole.
        for _ in 0..5 {
            append_raw(dir.path(), b"still not json\n");
        }
        drop(s);
        let s = Spool::open(dir.path()).unwrap();
        assert_eq!(s.pending(), 5);
        assert!(s.peek(100, 20).unwrap().is_empty());
        assert_eq!(s.peeked_bytes(), 30, "two lines of 15 bytes");
    }

    /// A chunk stops once it holds `max_bytes` of lines (but always holds one record): a
    /// record with an encrypted prompt can be megabytes long.
    #[test]
    fn a_chunk_is_bounded_by_bytes_too() {
        let dir = tempfile::tempdir().unwrap();
        let s = Spool::open(dir.path()).unwrap();
        let mut big = rec("big");
        big.prompt_encrypted = Some("x".repeat(10_000));
        s.append(&[big, rec("a"), rec("b"), rec("c")]).unwrap();
        let first = s.peek(10, 100).unwrap();
        assert_eq!(first.len(), 1, "one record even when over the budget");
        assert!(s.peeked_bytes() > 10_000);
        s.consume_peeked().unwrap();
        let one = fs::read_to_string(dir.path().join("audit-spool.jsonl")).unwrap();
        let line = one.lines().nth(1).unwrap().len() as u64 + 1;
        assert_eq!(s.peek(10, 2 * line).unwrap().len(), 2);
        assert_eq!(s.peek(10, 2 * line + 1).unwrap().len(), 3);
    }
}
