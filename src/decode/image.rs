//! Images recognised by their header (PNG, JPEG, GIF): the type and the pixel size, then the
//! bytes. A terminal cannot show the picture; what it is and how big tells most of it.

use super::{Confidence, DecodeError, Decoded, Decoder};
use crate::mqtt::Properties;

pub struct Image;

/// The format and, when the header holds it, the size in pixels.
fn recognise(p: &[u8]) -> Option<(&'static str, Option<(u32, u32)>)> {
    let be32 = |at: usize| {
        p.get(at..at + 4)
            .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    };
    let le16 = |at: usize| {
        p.get(at..at + 2)
            .map(|b| u32::from(u16::from_le_bytes([b[0], b[1]])))
    };
    if p.starts_with(b"\x89PNG\r\n\x1a\n") {
        // The IHDR chunk comes first: width and height at 16 and 20.
        let size = (p.get(12..16) == Some(b"IHDR"))
            .then(|| be32(16).zip(be32(20)))
            .flatten();
        return Some(("PNG", size));
    }
    if p.starts_with(b"GIF87a") || p.starts_with(b"GIF89a") {
        return Some(("GIF", le16(6).zip(le16(8))));
    }
    if p.starts_with(&[0xff, 0xd8, 0xff]) {
        return Some(("JPEG", jpeg_size(p)));
    }
    None
}

/// A JPEG's size from its first start-of-frame segment.
fn jpeg_size(p: &[u8]) -> Option<(u32, u32)> {
    let mut at = 2;
    while at + 9 < p.len() {
        if p[at] != 0xff {
            return None;
        }
        let marker = p[at + 1];
        let len = usize::from(u16::from_be_bytes([p[at + 2], p[at + 3]]));
        // SOF0..SOF15, except DHT (C4), JPG (C8) and DAC (CC).
        if (0xc0..=0xcf).contains(&marker) && ![0xc4, 0xc8, 0xcc].contains(&marker) {
            let h = u32::from(u16::from_be_bytes([p[at + 5], p[at + 6]]));
            let w = u32::from(u16::from_be_bytes([p[at + 7], p[at + 8]]));
            return Some((w, h));
        }
        at += 2 + len;
    }
    None
}

impl Decoder for Image {
    fn id(&self) -> &'static str {
        "image"
    }

    fn sniff(&self, payload: &[u8], _props: Option<&Properties>, _topic: &str) -> Confidence {
        if recognise(payload).is_some() { 90 } else { 0 }
    }

    fn decode(&self, payload: &[u8]) -> Result<Decoded, DecodeError> {
        let (kind, size) = recognise(payload)
            .ok_or_else(|| DecodeError::new("not a PNG, JPEG or GIF", Some(0)))?;
        let summary = match size {
            Some((w, h)) => format!("{kind} image, {w} × {h} pixels"),
            None => format!("{kind} image (size not in the header)"),
        };
        Ok(Decoded::Described {
            summary,
            bytes: payload.to_vec(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn png_gif_and_jpeg_headers() {
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
        png.extend(640u32.to_be_bytes());
        png.extend(480u32.to_be_bytes());
        assert_eq!(recognise(&png), Some(("PNG", Some((640, 480)))));
        let gif = b"GIF89a\x20\x03\x58\x02rest";
        assert_eq!(recognise(gif), Some(("GIF", Some((800, 600)))));
        // SOI, an APP0 segment of 16 bytes, then SOF0: height 2, width 3.
        let mut jpeg = vec![0xff, 0xd8, 0xff, 0xe0, 0, 16];
        jpeg.extend([0; 14]);
        jpeg.extend([0xff, 0xc0, 0, 17, 8, 0, 2, 0, 3, 3]);
        assert_eq!(recognise(&jpeg), Some(("JPEG", Some((3, 2)))));
        assert_eq!(recognise(b"\x89PNG"), None, "too short for the signature");
        assert_eq!(
            recognise(b"\x89PNG\r\n\x1a\n\0\0\0\x0dJUNK\0\0\0\x01\0\0\0\x01"),
            Some(("PNG", None)),
            "no IHDR: no size read from elsewhere"
        );
        assert_eq!(recognise(b"{\"a\":1}"), None);
        let Ok(Decoded::Described { summary, bytes }) = Image.decode(&png) else {
            panic!()
        };
        assert_eq!(summary, "PNG image, 640 × 480 pixels");
        assert_eq!(bytes.len(), png.len());
    }
}
