//! A fake MQTT broker for the faults a real one will not make on cue: it answers CONNECT
//! (3.1.1 or 5) and then follows a script per connection, recording what the client sent.
//! Only 127.0.0.1; every read is bounded by the test's own timeouts.

use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// One packet from the client.
#[derive(Debug, Clone)]
pub struct Packet {
    pub kind: u8,
    pub flags: u8,
    pub body: Vec<u8>,
}

impl Packet {
    /// PUBLISH: QoS, DUP, and the packet id (for QoS > 0).
    pub fn publish(&self, v5: bool) -> Option<(u8, bool, u16)> {
        if self.kind != 3 {
            return None;
        }
        let qos = (self.flags >> 1) & 3;
        let dup = self.flags & 8 != 0;
        let topic_len = usize::from(u16::from_be_bytes([self.body[0], self.body[1]]));
        let at = 2 + topic_len;
        let _ = v5;
        let pkid = if qos > 0 {
            u16::from_be_bytes([self.body[at], self.body[at + 1]])
        } else {
            0
        };
        Some((qos, dup, pkid))
    }
}

/// Text a hostile peer sends: a title change, a screen clear, a C1 CSI, bidi, zero-width, a line
/// separator, DEL.
pub const HOSTILE: &str = "\u{1b}]0;pwned\u{7}\u{1b}[2J\u{9b}31m\u{202e}x\u{200b}\u{2028}\u{7f}";

/// What the fake does on one connection, after CONNACK.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Script {
    /// CONNACK, then garbage bytes.
    Garbage,
    /// CONNACK, then read forever and answer nothing (no SUBACK, no PINGRESP).
    Silent,
    /// MQTT 5: CONNACK, then a PUBLISH whose user property value is not UTF-8 (its topic is).
    BadUserProperty,
    /// MQTT 5: CONNACK, a PUBLISH whose topic, user property and payload carry terminal escapes,
    /// then DISCONNECT 0x80 whose reason string carries them too.
    Hostile,
    /// CONNACK (session present = the flag); on a QoS 2 PUBLISH send PUBREC and hang up.
    CutAfterPubrec,
    /// Answer every QoS 2 PUBLISH with PUBACK (as RabbitMQ does).
    PubackForQos2,
    /// On the first connection close on the first QoS 1 PUBLISH without an ack; then CONNACK
    /// with session present and PUBACK everything.
    DropFirstPublish,
    /// MQTT 5: CONNACK, then two PUBLISHes on topic alias 1: "a/b" with the alias set
    /// (payload "one"), then an empty topic that names it by alias alone (payload "two").
    TopicAlias,
    /// MQTT 5: CONNACK, then DISCONNECT with 0x8E (session taken over).
    TakeOver,
    /// CONNACK refusing: not authorized (3.1.1 code 5, MQTT 5 reason 0x87).
    NotAuthorized,
    /// Hang up on CONNECT, as a TLS listener does to plain MQTT.
    HangUp,
    /// After the SUBACK, write `messages` QoS 0 PUBLISHes over `topics` topics as fast as the
    /// socket takes them: a client-bound burst, shaped as the bench's blaster shapes it
    /// (message k on `bench/site{t % 10}/dev{t}/temp`, t = k % topics, `{"t":21.5,"seq":k}`).
    Burst { messages: usize, topics: usize },
}

/// The PUBLISH packets of a burst, encoded up front.
fn burst(messages: usize, topics: usize, v5: bool) -> Vec<u8> {
    let mut out = Vec::new();
    for i in 0..messages {
        let k = i % topics.max(1);
        let topic = format!("bench/site{}/dev{k}/temp", k % 10);
        let payload = format!("{{\"t\":21.5,\"seq\":{i}}}");
        let len = 2 + topic.len() + usize::from(v5) + payload.len();
        out.push(0x30);
        let mut rest = len;
        loop {
            let b = (rest % 128) as u8;
            rest /= 128;
            out.push(if rest > 0 { b | 0x80 } else { b });
            if rest == 0 {
                break;
            }
        }
        out.extend_from_slice(&(topic.len() as u16).to_be_bytes());
        out.extend_from_slice(topic.as_bytes());
        if v5 {
            out.push(0);
        }
        out.extend_from_slice(payload.as_bytes());
    }
    out
}

pub struct Fake {
    pub port: u16,
    /// Every packet received, per connection in order.
    pub seen: Arc<Mutex<Vec<Vec<Packet>>>>,
}

async fn read_packet(s: &mut TcpStream) -> Option<Packet> {
    let mut head = [0u8; 1];
    s.read_exact(&mut head).await.ok()?;
    let (mut len, mut shift) = (0usize, 0);
    loop {
        let mut b = [0u8; 1];
        s.read_exact(&mut b).await.ok()?;
        len |= usize::from(b[0] & 0x7f) << shift;
        if b[0] & 0x80 == 0 {
            break;
        }
        shift += 7;
    }
    let mut body = vec![0u8; len];
    s.read_exact(&mut body).await.ok()?;
    Some(Packet {
        kind: head[0] >> 4,
        flags: head[0] & 0x0f,
        body,
    })
}

fn connack(v5: bool, session_present: bool) -> Vec<u8> {
    if v5 {
        vec![0x20, 3, u8::from(session_present), 0, 0]
    } else {
        vec![0x20, 2, u8::from(session_present), 0]
    }
}

fn ack(kind: u8, pkid: u16, v5: bool) -> Vec<u8> {
    let [a, b] = pkid.to_be_bytes();
    if v5 {
        vec![kind << 4 | if kind == 6 { 2 } else { 0 }, 3, a, b, 0]
    } else {
        vec![kind << 4 | if kind == 6 { 2 } else { 0 }, 2, a, b]
    }
}

impl Fake {
    pub async fn start(script: Script) -> Fake {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let port = listener.local_addr().unwrap().port();
        let seen: Arc<Mutex<Vec<Vec<Packet>>>> = Arc::default();
        let log = seen.clone();
        tokio::spawn(async move {
            let mut n = 0usize;
            while let Ok((sock, _)) = listener.accept().await {
                n += 1;
                let log = log.clone();
                let index = {
                    let mut l = log.lock().unwrap();
                    l.push(Vec::new());
                    l.len() - 1
                };
                tokio::spawn(serve(sock, script, n, index, log));
            }
        });
        Fake { port, seen }
    }

    pub fn url(&self) -> String {
        format!("mqtt://127.0.0.1:{}", self.port)
    }

    pub fn connections(&self) -> usize {
        self.seen.lock().unwrap().len()
    }
}

async fn serve(
    mut s: TcpStream,
    script: Script,
    nth: usize,
    index: usize,
    log: Arc<Mutex<Vec<Vec<Packet>>>>,
) {
    let Some(connect) = read_packet(&mut s).await else {
        return;
    };
    if script == Script::HangUp {
        return;
    }
    // Protocol level: after the 2-byte name length and "MQTT".
    let v5 = connect.body.get(6) == Some(&5);
    log.lock().unwrap()[index].push(connect);
    if script == Script::NotAuthorized {
        let refusal = if v5 {
            vec![0x20, 3, 0, 0x87, 0]
        } else {
            vec![0x20, 2, 0, 5]
        };
        let _ = s.write_all(&refusal).await;
        let _ = s.shutdown().await;
        return;
    }
    let session_present = matches!(script, Script::DropFirstPublish) && nth > 1;
    if s.write_all(&connack(v5, session_present)).await.is_err() {
        return;
    }
    match script {
        Script::Garbage => {
            let _ = s.write_all(&[0xff, 0xff, 0xff, 0xff, 0xff, 0x01]).await;
            let _ = s.shutdown().await;
            return;
        }
        Script::Hostile => {
            let evil = HOSTILE.as_bytes();
            let mut props = vec![0x26, 0, evil.len() as u8];
            props.extend_from_slice(evil);
            props.extend_from_slice(&[0, evil.len() as u8]);
            props.extend_from_slice(evil);
            let mut body = vec![0, evil.len() as u8 + 2, b'h', b'/'];
            body.extend_from_slice(evil);
            body.push(props.len() as u8);
            body.extend_from_slice(&props);
            body.extend_from_slice(evil);
            let mut packet = vec![0x30];
            let mut n = body.len();
            loop {
                let byte = (n % 128) as u8;
                n /= 128;
                packet.push(if n > 0 { byte | 0x80 } else { byte });
                if n == 0 {
                    break;
                }
            }
            packet.extend_from_slice(&body);
            let mut reason = vec![0x80, evil.len() as u8 + 3, 0x1f, 0, evil.len() as u8];
            reason.extend_from_slice(evil);
            let mut disconnect = vec![0xe0, reason.len() as u8];
            disconnect.extend_from_slice(&reason);
            let _ = s.write_all(&packet).await;
            let _ = s.write_all(&disconnect).await;
            let _ = s.shutdown().await;
            return;
        }
        Script::BadUserProperty => {
            // PUBLISH QoS 0, topic "a/b", properties: user property "k" = 0xff 0xfe, payload "x".
            let props = [0x26, 0, 1, b'k', 0, 2, 0xff, 0xfe];
            let mut body = vec![0, 3, b'a', b'/', b'b', props.len() as u8];
            body.extend_from_slice(&props);
            body.push(b'x');
            let mut packet = vec![0x30, body.len() as u8];
            packet.extend_from_slice(&body);
            let _ = s.write_all(&packet).await;
            // Held open: the client is the one to close it.
            let mut sink = [0u8; 64];
            while matches!(s.read(&mut sink).await, Ok(n) if n > 0) {}
            return;
        }
        Script::TopicAlias => {
            // PUBLISH QoS 0: topic length, topic, properties (0x23 Topic Alias = 1), payload.
            let one = [
                0x30, 12, 0, 3, b'a', b'/', b'b', 3, 0x23, 0, 1, b'o', b'n', b'e',
            ];
            let two = [0x30, 9, 0, 0, 3, 0x23, 0, 1, b't', b'w', b'o'];
            let _ = s.write_all(&one).await;
            let _ = s.write_all(&two).await;
            let mut sink = [0u8; 64];
            while matches!(s.read(&mut sink).await, Ok(n) if n > 0) {}
            return;
        }
        Script::TakeOver => {
            let _ = s.write_all(&[0xe0, 2, 0x8e, 0]).await;
            let _ = s.shutdown().await;
            return;
        }
        _ => {}
    }
    while let Some(p) = read_packet(&mut s).await {
        let publish = p.publish(v5);
        log.lock().unwrap()[index].push(p.clone());
        let reply = match (script, publish) {
            (Script::Silent, _) => None,
            (Script::CutAfterPubrec, Some((2, _, pkid))) => {
                let _ = s.write_all(&ack(5, pkid, v5)).await;
                return; // hang up before PUBREL can arrive
            }
            (Script::PubackForQos2, Some((q, _, pkid))) if q > 0 => Some(ack(4, pkid, v5)),
            (Script::DropFirstPublish, Some((1, _, _))) if nth == 1 => return,
            (_, Some((1, _, pkid))) => Some(ack(4, pkid, v5)),
            (_, Some((2, _, pkid))) => Some(ack(5, pkid, v5)),
            // PUBREL -> PUBCOMP
            (_, None) if p.kind == 6 => {
                Some(ack(7, u16::from_be_bytes([p.body[0], p.body[1]]), v5))
            }
            // SUBSCRIBE -> SUBACK granting QoS 0 (and a burst's messages after it)
            (_, None) if p.kind == 8 => {
                let [a, b] = [p.body[0], p.body[1]];
                let mut reply = if v5 {
                    vec![0x90, 4, a, b, 0, 0]
                } else {
                    vec![0x90, 3, a, b, 0]
                };
                if let Script::Burst { messages, topics } = script {
                    reply.extend(burst(messages, topics, v5));
                }
                Some(reply)
            }
            // PINGREQ -> PINGRESP
            (_, None) if p.kind == 12 => Some(vec![0xd0, 0]),
            _ => None,
        };
        if let Some(bytes) = reply
            && s.write_all(&bytes).await.is_err()
        {
            return;
        }
    }
}
