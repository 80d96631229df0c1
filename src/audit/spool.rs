//! The disk spool: audit records that could not reach the sink yet, in arrival order.
//!
//! A JSONL file plus a byte offset of what was already replayed. The offset is advanced
//! (atomically, via rename) only after the sink accepted a chunk; when everything is
//! replayed the file is truncated. A crash can at worst replay a chunk twice, which the
//! sink ignores by request id.

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufRead, BufReader, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use parking_lot::Mutex;

use super::AuditRecord;

pub struct Spool {
    data: PathBuf,
    offset_file: PathBuf,
    state: Mutex<State>,
}

struct State {
    offset: u64,
    pending: usize,
    /// Byte length of each record returned by the last `peek`, so `consume` knows how far
    /// to advance.
    peeked: Vec<u64>,
}

impl Spool {
    /// Opens (or creates) the spool in `dir`, counting what an earlier run left behind.
    pub fn open(dir: &Path) -> io::Result<Spool> {
        fs::create_dir_all(dir)?;
        let data = dir.join("audit-spool.jsonl");
        let offset_file = dir.join("audit-spool.offset");
        let offset = fs::read_to_string(&offset_file)
            .ok()
            .and_then(|s| s.trim().parse::<u64>().ok())
            .unwrap_or(0);
        let mut pending = 0;
        if let Ok(f) = File::open(&data) {
            let mut r = BufReader::new(f);
            r.seek(SeekFrom::Start(offset))?;
            pending = r
                .lines()
                .map_while(Result::ok)
                .filter(|l| !l.trim().is_empty())
                .count();
        }
        Ok(Spool {
            data,
            offset_file,
            state: Mutex::new(State {
                offset,
                pending,
                peeked: Vec::new(),
            }),
        })
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
        let mut f = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.data)?;
        f.write_all(&buf)?;
        f.sync_data()?;
        st.pending += records.len();
        Ok(())
    }

    /// The oldest `max` records not yet replayed.
    pub fn peek(&self, max: usize) -> io::Result<Vec<AuditRecord>> {
        let mut st = self.state.lock();
        st.peeked.clear();
        let f = match File::open(&self.data) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(e),
        };
        let mut r = BufReader::new(f);
        r.seek(SeekFrom::Start(st.offset))?;
        let mut out = Vec::new();
        let mut line = String::new();
        while out.len() < max {
            line.clear();
            let n = r.read_line(&mut line)?;
            if n == 0 {
                break;
            }
            if !line.ends_with('\n') {
                // A torn last line from a crash mid-append: not a record yet.
                break;
            }
            match serde_json::from_str::<AuditRecord>(line.trim_end()) {
                Ok(rec) => out.push(rec),
                Err(e) => tracing::error!(error = %e, "skipping an unreadable audit spool line"),
            }
            st.peeked.push(n as u64);
        }
        Ok(out)
    }

    /// Marks the first `n` peeked records as stored in the sink.
    pub fn consume(&self, n: usize) -> io::Result<()> {
        let mut st = self.state.lock();
        let take = n.min(st.peeked.len());
        let advance: u64 = st.peeked[..take].iter().sum();
        st.peeked.clear();
        st.offset += advance;
        st.pending = st.pending.saturating_sub(take);
        let len = fs::metadata(&self.data).map(|m| m.len()).unwrap_or(0);
        if st.offset >= len {
            // Everything replayed: start the next outage from an empty file.
            File::create(&self.data)?;
            st.offset = 0;
            st.pending = 0;
        }
        write_atomic(&self.offset_file, st.offset.to_string().as_bytes())
    }
}

fn write_atomic(path: &Path, data: &[u8]) -> io::Result<()> {
    let tmp = path.with_extension("tmp");
    let mut f = File::create(&tmp)?;
    f.write_all(data)?;
    f.sync_data()?;
    fs::rename(&tmp, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(id: &str) -> AuditRecord {
        AuditRecord::new(id.into(), None)
    }

    #[test]
    fn records_come_back_in_order_and_survive_a_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let s = Spool::open(dir.path()).unwrap();
        s.append(&[rec("a"), rec("b")]).unwrap();
        s.append(&[rec("c")]).unwrap();
        let first = s.peek(2).unwrap();
        assert_eq!(
            first
                .iter()
                .map(|r| r.request_id.as_str())
                .collect::<Vec<_>>(),
            ["a", "b"]
        );
        s.consume(2).unwrap();
        drop(s);
        let s = Spool::open(dir.path()).unwrap();
        assert_eq!(s.pending(), 1);
        let rest = s.peek(10).unwrap();
        assert_eq!(rest[0].request_id, "c");
        s.consume(1).unwrap();
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
        let mut f = OpenOptions::new()
            .append(true)
            .open(dir.path().join("audit-spool.jsonl"))
            .unwrap();
        f.write_all(b"{\"request_id\":\"torn").unwrap();
        assert_eq!(s.peek(10).unwrap().len(), 1);
    }
}
