//! A client-bound stream without a broker's limits: a fake broker on 127.0.0.1 that answers one
//! client's CONNECT (3.1.1 or 5) and SUBSCRIBE, then writes `n` pre-encoded QoS 0 PUBLISH
//! packets as fast as the socket takes them. A real broker caps one subscriber near 200k msg/s
//! on two cores; this measures what the client itself can take.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::mpsc;
use std::time::{Duration, Instant};

pub struct Blaster {
    pub port: u16,
    /// When the client's SUBSCRIBE arrived: the stream's start.
    pub started: mpsc::Receiver<Instant>,
    stop: Option<mpsc::Sender<()>>,
}

/// The messages of a run, encoded once: topic k % topics is `bench/site{k%10}/dev{k}/temp`.
fn encode(n: usize, topics: usize, v5: bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(n * 64);
    for i in 0..n {
        let k = i % topics.max(1);
        let topic = format!("bench/site{}/dev{k}/temp", k % 10);
        let payload = format!("{{\"t\":{}.{},\"seq\":{i}}}", 15 + i % 15, i % 10);
        let props = usize::from(v5);
        let len = 2 + topic.len() + props + payload.len();
        out.push(0x30);
        let mut rest = len;
        loop {
            let mut b = (rest % 128) as u8;
            rest /= 128;
            if rest > 0 {
                b |= 0x80;
            }
            out.push(b);
            if rest == 0 {
                break;
            }
        }
        out.extend_from_slice(&(topic.len() as u16).to_be_bytes());
        out.extend_from_slice(topic.as_bytes());
        if v5 {
            out.push(0); // no properties
        }
        out.extend_from_slice(payload.as_bytes());
    }
    out
}

/// Reads one MQTT packet: (type nibble, body).
fn read_packet(s: &mut TcpStream) -> std::io::Result<(u8, Vec<u8>)> {
    let mut b = [0u8; 1];
    s.read_exact(&mut b)?;
    let kind = b[0] >> 4;
    let (mut len, mut shift) = (0usize, 0);
    loop {
        s.read_exact(&mut b)?;
        len |= usize::from(b[0] & 0x7f) << shift;
        shift += 7;
        if b[0] & 0x80 == 0 || shift > 21 {
            break;
        }
    }
    let mut body = vec![0; len];
    s.read_exact(&mut body)?;
    Ok((kind, body))
}

fn serve(
    mut s: TcpStream,
    n: usize,
    topics: usize,
    started: mpsc::Sender<Instant>,
) -> std::io::Result<()> {
    let (kind, connect) = read_packet(&mut s)?;
    assert_eq!(kind, 1, "CONNECT first");
    // Protocol name (2 + 4 bytes "MQTT"), then the level: 4 is 3.1.1, 5 is MQTT 5.
    let v5 = connect.get(6) == Some(&5);
    let stream = encode(n, topics, v5);
    s.write_all(if v5 {
        &[0x20, 3, 0, 0, 0]
    } else {
        &[0x20, 2, 0, 0]
    })?;
    loop {
        let (kind, body) = read_packet(&mut s)?;
        if kind == 8 {
            let (a, b) = (body[0], body[1]);
            if v5 {
                s.write_all(&[0x90, 4, a, b, 0, 0])?;
            } else {
                s.write_all(&[0x90, 3, a, b, 0])?;
            }
            break;
        }
    }
    let _ = started.send(Instant::now());
    // Whatever the client sends from now on (PINGREQ) is read and dropped.
    let mut reader = s.try_clone()?;
    std::thread::spawn(move || {
        let mut sink = [0u8; 4096];
        while matches!(reader.read(&mut sink), Ok(n) if n > 0) {}
    });
    for chunk in stream.chunks(256 * 1024) {
        s.write_all(chunk)?;
    }
    Ok(())
}

impl Blaster {
    /// Listens on a free port for one client.
    pub fn start(n: usize, topics: usize) -> Blaster {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the blaster");
        let port = listener.local_addr().expect("local addr").port();
        let (started_tx, started) = mpsc::channel();
        let (stop_tx, stop_rx) = mpsc::channel::<()>();
        std::thread::spawn(move || {
            if let Ok((s, _)) = listener.accept() {
                let keep = s.try_clone();
                if let Err(e) = serve(s, n, topics, started_tx) {
                    eprintln!("blaster: {e}");
                }
                // Held open until the run is over, so the client does not reconnect.
                let _ = stop_rx.recv_timeout(Duration::from_secs(300));
                drop(keep);
            }
        });
        Blaster {
            port,
            started,
            stop: Some(stop_tx),
        }
    }

    /// When the stream started (the SUBSCRIBE arrived), waiting up to 30 s.
    pub fn wait_started(&self) -> Instant {
        self.started
            .recv_timeout(Duration::from_secs(30))
            .expect("the client subscribed to the blaster")
    }
}

impl Drop for Blaster {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
    }
}
