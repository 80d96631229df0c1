//! Reads client WebSocket frames as they stream through, to see text messages.
//!
//! The edge forwards the bytes untouched; this decoder only watches them (RFC 6455:
//! client frames are masked), reassembling fragmented text messages up to a cap so alert
//! rules can read them; a longer message is read up to the cap. It never buffers more than
//! one frame header plus the capped message, and a malformed stream simply stops being
//! watched.

/// A text message as the reader saw it.
#[derive(Debug, PartialEq)]
pub struct Message {
    pub text: String,
    /// Only its first [`MAX_MESSAGE`] bytes are in `text`.
    pub cut: bool,
}

/// Incremental decoder of one direction (client → server) of a WebSocket connection.
#[derive(Default)]
pub struct FrameReader {
    buf: Vec<u8>,
    /// Payload bytes still to read for the current frame, with its mask and offset.
    current: Option<Frame>,
    message: Vec<u8>,
    in_text: bool,
    overflow: bool,
    broken: bool,
}

struct Frame {
    opcode: u8,
    fin: bool,
    mask: Option<[u8; 4]>,
    remaining: u64,
    offset: usize,
}

/// Largest text message kept for inspection.
const MAX_MESSAGE: usize = 64 * 1024;

impl FrameReader {
    /// Feeds bytes; returns every text message completed by them.
    pub fn push(&mut self, data: &[u8]) -> Vec<Message> {
        let mut out = Vec::new();
        if self.broken {
            return out;
        }
        self.buf.extend_from_slice(data);
        let mut pos = 0;
        loop {
            if self.current.is_none() {
                match parse_header(&self.buf[pos..]) {
                    Some(Ok((frame, used))) => {
                        pos += used;
                        self.current = Some(frame);
                    }
                    Some(Err(())) => {
                        self.broken = true;
                        self.buf.clear();
                        return out;
                    }
                    None => break,
                }
            }
            let Some(f) = self.current.as_mut() else {
                break;
            };
            let avail = (self.buf.len() - pos) as u64;
            let take = avail.min(f.remaining) as usize;
            let is_text = f.opcode == 1 || (f.opcode == 0 && self.in_text);
            if is_text && !self.overflow {
                for (i, b) in self.buf[pos..pos + take].iter().enumerate() {
                    let m = f.mask.map_or(0, |m| m[(f.offset + i) % 4]);
                    if self.message.len() < MAX_MESSAGE {
                        self.message.push(b ^ m);
                    } else {
                        self.overflow = true;
                        break;
                    }
                }
            }
            f.offset += take;
            f.remaining -= take as u64;
            pos += take;
            if f.remaining > 0 {
                break;
            }
            let (opcode, fin) = (f.opcode, f.fin);
            self.current = None;
            match opcode {
                1 => self.in_text = true,
                0 => {}
                _ => continue,
            }
            if fin && self.in_text {
                // A cut inside a character ends the text before it.
                let text = match self.overflow {
                    true => super::body::whole_chars(&self.message),
                    false => &self.message[..],
                };
                out.push(Message {
                    text: String::from_utf8_lossy(text).into_owned(),
                    cut: self.overflow,
                });
                self.message.clear();
                self.in_text = false;
                self.overflow = false;
            }
        }
        self.buf.drain(..pos);
        out
    }
}

/// `None`: need more bytes; `Some(Err)`: not a valid frame header.
fn parse_header(b: &[u8]) -> Option<Result<(Frame, usize), ()>> {
    if b.len() < 2 {
        return None;
    }
    let fin = b[0] & 0x80 != 0;
    let opcode = b[0] & 0x0f;
    // A reserved bit means an extension (permessage-deflate sets RSV1): the payload is not
    // the text, and reading it as text would show alert rules noise. Reserved opcodes are
    // not a stream this reader knows.
    if b[0] & 0x70 != 0 || (3..=7).contains(&opcode) || opcode > 0xA {
        return Some(Err(()));
    }
    let masked = b[1] & 0x80 != 0;
    let mut len = u64::from(b[1] & 0x7f);
    let mut i = 2;
    if len == 126 {
        if b.len() < 4 {
            return None;
        }
        len = u64::from(u16::from_be_bytes([b[2], b[3]]));
        i = 4;
    } else if len == 127 {
        if b.len() < 10 {
            return None;
        }
        let mut a = [0u8; 8];
        a.copy_from_slice(&b[2..10]);
        len = u64::from_be_bytes(a);
        i = 10;
    }
    let mask = if masked {
        if b.len() < i + 4 {
            return None;
        }
        let m = [b[i], b[i + 1], b[i + 2], b[i + 3]];
        i += 4;
        Some(m)
    } else {
        None
    };
    Some(Ok((
        Frame {
            opcode,
            fin,
            mask,
            remaining: len,
            offset: 0,
        },
        i,
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(opcode: u8, fin: bool, payload: &[u8], mask: [u8; 4]) -> Vec<u8> {
        let mut f = vec![(if fin { 0x80 } else { 0 }) | opcode];
        if payload.len() < 126 {
            f.push(0x80 | payload.len() as u8);
        } else {
            f.push(0x80 | 126);
            f.extend_from_slice(&(payload.len() as u16).to_be_bytes());
        }
        f.extend_from_slice(&mask);
        f.extend(payload.iter().enumerate().map(|(i, b)| b ^ mask[i % 4]));
        f
    }

    #[test]
    fn masked_fragmented_messages_come_out_whole_at_any_split() {
        let mut stream = frame(1, false, "se me fallaron ".as_bytes(), [1, 2, 3, 4]);
        stream.extend(frame(9, true, b"ping", [9, 9, 9, 9]));
        stream.extend(frame(0, true, "los frenos".as_bytes(), [5, 6, 7, 8]));
        stream.extend(frame(2, true, &[0xff, 0x00], [1, 1, 1, 1]));
        stream.extend(frame(1, true, &vec![b'x'; 300], [3, 3, 3, 3]));
        for size in 1..stream.len() {
            let mut r = FrameReader::default();
            let mut msgs = Vec::new();
            for c in stream.chunks(size) {
                msgs.extend(r.push(c));
            }
            assert_eq!(msgs.len(), 2, "size {size}");
            assert_eq!(msgs[0].text, "se me fallaron los frenos");
            assert_eq!(msgs[1].text.len(), 300);
            assert!(!msgs[0].cut && !msgs[1].cut);
        }
    }

    #[test]
    fn a_message_over_the_cap_is_read_up_to_it() {
        let mut long = b"speak to a human ".to_vec();
        long.resize(MAX_MESSAGE - 1, b'x');
        // A two-byte character across the cap.
        long.extend_from_slice("ñ".repeat(500).as_bytes());
        let mut stream = frame(1, false, &long[..40_000], [1, 2, 3, 4]);
        stream.extend(frame(0, true, &long[40_000..], [5, 6, 7, 8]));
        stream.extend(frame(1, true, b"next", [1, 1, 1, 1]));
        let mut r = FrameReader::default();
        let msgs = r.push(&stream);
        assert_eq!(msgs.len(), 2);
        assert!(msgs[0].cut);
        assert_eq!(msgs[0].text.as_bytes(), &long[..MAX_MESSAGE - 1]);
        assert_eq!(
            msgs[1],
            Message {
                text: "next".into(),
                cut: false
            }
        );
    }

    /// A compressed message (RSV1, permessage-deflate) is not text: the stream stops being
    /// read instead of showing the rules its deflated bytes.
    #[test]
    fn an_extension_frame_stops_the_reading() {
        let mut compressed = frame(1, true, b"\xf2\x48\xcd\xc9\xc9\x07\x00", [1, 2, 3, 4]);
        compressed[0] |= 0x40;
        let mut r = FrameReader::default();
        assert!(r.push(&frame(1, true, b"plain", [1, 1, 1, 1])).len() == 1);
        assert!(r.push(&compressed).is_empty());
        assert!(
            r.push(&frame(1, true, b"after", [1, 1, 1, 1])).is_empty(),
            "not read past a frame it cannot read"
        );
    }
}
